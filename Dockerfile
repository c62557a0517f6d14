# The proxy's container image: the release's static linux binary on
# distroless (no shell, no package manager), running as the distroless
# nonroot user (65532). The release workflow builds it per platform from
# dist/image/<os>/<arch>/pretense, which scripts/release.sh leaves there;
# nothing is compiled inside the image build.
#
#   scripts/release.sh snapshot dist && docker build -t pretense .
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETOS=linux
ARG TARGETARCH=amd64
COPY --chmod=0555 dist/image/${TARGETOS}/${TARGETARCH}/pretense /usr/local/bin/pretense
USER 65532:65532
ENV PRETENSE_HOME=/home/nonroot/.pretense
EXPOSE 9339
ENTRYPOINT ["/usr/local/bin/pretense"]
CMD ["proxy"]
