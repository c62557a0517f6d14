// Package deploy holds the team deployment files (systemd, Kubernetes);
// its tests parse them with the real schemas and check what matters for
// running the proxy safely.
package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-systemd/v22/unit"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pretense/pretense/internal/cli/full"
)

type manifests struct {
	dep *appsv1.Deployment
	svc *corev1.Service
	pdb *policyv1.PodDisruptionBudget
}

// loadManifests decodes every document strictly: an unknown or misspelt
// field is an error, as kubectl --validate=strict would report it.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	data, err := os.ReadFile("kubernetes/pretense-proxy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifests
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var obj any
		switch tm.APIVersion + "/" + tm.Kind {
		case "apps/v1/Deployment":
			m.dep = &appsv1.Deployment{}
			obj = m.dep
		case "v1/Service":
			m.svc = &corev1.Service{}
			obj = m.svc
		case "policy/v1/PodDisruptionBudget":
			m.pdb = &policyv1.PodDisruptionBudget{}
			obj = m.pdb
		default:
			t.Fatalf("document %d: unexpected %s %s", i, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("document %d (%s): %v", i, tm.Kind, err)
		}
	}
	if m.dep == nil || m.svc == nil || m.pdb == nil {
		t.Fatal("want a Deployment, a Service and a PodDisruptionBudget")
	}
	return m
}

func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		if a == name {
			return "", true
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestKubernetesManifests(t *testing.T) {
	m := loadManifests(t)
	d := m.dep
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Errorf("replicas %v: a team proxy needs at least 2", d.Spec.Replicas)
	}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}

	// Probes: ready on /ready (false while draining or when the audit
	// sink or tokens fail), alive on /health, both on the proxy's port.
	for name, tc := range map[string]struct {
		p    *corev1.Probe
		path string
	}{"readiness": {c.ReadinessProbe, "/ready"}, "liveness": {c.LivenessProbe, "/health"}} {
		if tc.p == nil || tc.p.HTTPGet == nil {
			t.Errorf("%s probe: want an httpGet probe", name)
			continue
		}
		if tc.p.HTTPGet.Path != tc.path {
			t.Errorf("%s probe path %q, want %q", name, tc.p.HTTPGet.Path, tc.path)
		}
		if _, ok := ports[tc.p.HTTPGet.Port.String()]; !ok {
			t.Errorf("%s probe port %q is not a container port", name, tc.p.HTTPGet.Port.String())
		}
	}

	// Non-root, no privilege escalation, read-only root.
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Error("pod must run as a non-root user")
	}
	sc := c.SecurityContext
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Error("container must drop all capabilities, forbid privilege escalation and have a read-only root")
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the proxy needs no Kubernetes API token")
	}

	// One Secret shared by every replica: mutation key as env, tokens and
	// upstream key as mounted files.
	secret := ""
	for _, e := range c.Env {
		if e.Name == "PRETENSE_KEY" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			secret = e.ValueFrom.SecretKeyRef.Name
		}
	}
	if secret == "" {
		t.Fatal("PRETENSE_KEY must come from a Secret so replicas share one key")
	}
	mounts := map[string]corev1.VolumeMount{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.Name] = vm
	}
	var credDir string
	for _, v := range pod.Volumes {
		if v.Secret == nil {
			continue
		}
		if v.Secret.SecretName != secret {
			t.Errorf("volume %s mounts Secret %q, want %q", v.Name, v.Secret.SecretName, secret)
		}
		vm, ok := mounts[v.Name]
		if !ok || !vm.ReadOnly {
			t.Errorf("Secret volume %s must be mounted read-only", v.Name)
		}
		credDir = vm.MountPath
	}
	if credDir == "" {
		t.Fatal("no Secret volume mounted")
	}

	// The arguments: remote listener with auth, files from the Secret,
	// audit to stdout, and every flag one the CLI really has.
	args := c.Args
	if len(args) == 0 || args[0] != "proxy" {
		t.Fatalf("args %v: want the proxy command", args)
	}
	for _, f := range []string{"--allow-remote", "--require-auth"} {
		if _, ok := flagValue(args, f); !ok {
			t.Errorf("args lack %s", f)
		}
	}
	if v, _ := flagValue(args, "--audit-sink"); v != "stdout" {
		t.Errorf("--audit-sink=%q, want stdout for the cluster's log pipeline", v)
	}
	if v, _ := flagValue(args, "--token-file"); path.Dir(v) != credDir {
		t.Errorf("--token-file %q is not in the Secret mount %s", v, credDir)
	}
	if v, _ := flagValue(args, "--upstream-key-file"); !strings.HasPrefix(strings.TrimPrefix(v, "anthropic="), credDir+"/") {
		t.Errorf("--upstream-key-file %q is not in the Secret mount %s", v, credDir)
	}
	checkFlagsExist(t, args)
	drain := 30 * time.Second
	if v, ok := flagValue(args, "--drain-timeout"); ok {
		var err error
		if drain, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || time.Duration(*g)*time.Second <= drain {
		t.Errorf("terminationGracePeriodSeconds %v must exceed the drain timeout %s", g, drain)
	}

	// Service and PDB select the pods.
	labels := d.Spec.Template.Labels
	for k, v := range m.svc.Spec.Selector {
		if labels[k] != v {
			t.Errorf("Service selector %s=%s does not match the pods", k, v)
		}
	}
	for _, p := range m.svc.Spec.Ports {
		if _, ok := ports[p.TargetPort.String()]; !ok {
			t.Errorf("Service targetPort %q is not a container port", p.TargetPort.String())
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(m.pdb.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(labelSet(labels)) {
		t.Error("PodDisruptionBudget does not select the pods")
	}
	if mv := m.pdb.Spec.MinAvailable; mv == nil || mv.IntValue() < 1 || mv.IntValue() >= int(*d.Spec.Replicas) {
		t.Errorf("PodDisruptionBudget minAvailable %v: want at least 1 and fewer than the replicas", mv)
	}
}

type labelSet map[string]string

func (l labelSet) Has(k string) bool              { _, ok := l[k]; return ok }
func (l labelSet) Get(k string) string            { return l[k] }
func (l labelSet) Lookup(k string) (string, bool) { v, ok := l[k]; return v, ok }

// checkFlagsExist runs the real CLI's help for the proxy and checks every
// flag the deployment passes is one it documents.
func checkFlagsExist(t *testing.T, args []string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := full.Run(context.Background(), []string{"proxy", "run", "--help"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("proxy --help: exit %d: %s", code, errb.String())
	}
	help := out.String() + errb.String()
	for _, a := range args[1:] {
		name, _, _ := strings.Cut(a, "=")
		if !regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(name) + `\b`).MatchString(help) {
			t.Errorf("flag %s is not a flag of pretense proxy", name)
		}
	}
}

func TestSystemdUnit(t *testing.T) {
	f, err := os.Open("systemd/pretense-proxy.service")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts, err := unit.DeserializeOptions(f)
	if err != nil {
		t.Fatalf("parse unit: %v", err)
	}
	get := func(section, name string) []string {
		var vs []string
		for _, o := range opts {
			if o.Section == section && o.Name == name {
				vs = append(vs, o.Value)
			}
		}
		return vs
	}
	for _, tc := range []struct{ section, name, want string }{
		{"Service", "DynamicUser", "yes"},
		{"Service", "NoNewPrivileges", "yes"},
		{"Service", "ProtectSystem", "strict"},
		{"Service", "ProtectHome", "yes"},
		{"Service", "PrivateTmp", "yes"},
		{"Service", "CapabilityBoundingSet", ""},
		{"Service", "StateDirectory", "pretense"},
		{"Service", "Environment", "PRETENSE_HOME=/var/lib/pretense"},
		{"Service", "ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Install", "WantedBy", "multi-user.target"},
	} {
		if vs := get(tc.section, tc.name); !slices.Contains(vs, tc.want) {
			t.Errorf("[%s] %s = %q, want %q", tc.section, tc.name, vs, tc.want)
		}
	}
	exec := get("Service", "ExecStart")
	if len(exec) != 1 {
		t.Fatalf("ExecStart %q", exec)
	}
	args := strings.Fields(exec[0])[1:]
	for _, f := range []string{"--allow-remote", "--require-auth"} {
		if !slices.Contains(args, f) {
			t.Errorf("ExecStart lacks %s", f)
		}
	}
	var flags []string
	drain := 30 * time.Second
	for i, a := range args {
		if strings.HasPrefix(a, "--") {
			flags = append(flags, a)
		}
		if a == "--drain-timeout" && i+1 < len(args) {
			drain, _ = time.ParseDuration(args[i+1])
		}
	}
	checkFlagsExist(t, append([]string{"proxy"}, flags[0:]...))
	stop := get("Service", "TimeoutStopSec")
	var secs int
	if len(stop) != 1 {
		t.Fatal("TimeoutStopSec must be set above the drain timeout")
	}
	if _, err := fmt.Sscanf(stop[0], "%d", &secs); err != nil || time.Duration(secs)*time.Second <= drain {
		t.Errorf("TimeoutStopSec %q must exceed the drain timeout %s", stop[0], drain)
	}
}
