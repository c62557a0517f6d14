#!/usr/bin/env python3
# Generates rules/builtin/secrets-keyed.yaml from the tables below, in
# rows.py (more rows, custom and prefixed shapes) and in rows_tail.py:
#
#   python3 tools/keyedgen/gen.py > rules/builtin/secrets-keyed.yaml
#
# Each row: id|display name|keywords|shape|severity|tag|remediation|owns.
# A shape is a name in SHAPES/EXTRA_SHAPES, a class and length (lan32 =
# [a-z0-9]{32}; hex, HEX, lan, uan, an, url, and, anu, land, dig, b64), or
# a PREFIXED format whose prefix is the keyword.
import sys
SHAPES = {
 # name: (regex, sample class template, wrong-length template)
 'hex32': ('[a-f0-9]{32}', '{hex:32}', '{hex:31}'),
 'hex40': ('[a-f0-9]{40}', '{hex:40}', '{hex:39}'),
 'hex64': ('[a-f0-9]{64}', '{hex:64}', '{hex:63}'),
 'lan22': ('[a-z0-9]{22}', '{lowalnum:22}', '{lowalnum:21}'),
 'lan26': ('[a-z0-9]{26}', '{lowalnum:26}', '{lowalnum:25}'),
 'lan30': ('[a-z0-9]{30}', '{lowalnum:30}', '{lowalnum:29}'),
 'lan32': ('[a-z0-9]{32}', '{lowalnum:32}', '{lowalnum:31}'),
 'lan40': ('[a-z0-9]{40}', '{lowalnum:40}', '{lowalnum:39}'),
 'lan64': ('[a-z0-9]{64}', '{lowalnum:31}7{lowalnum:32}', '{lowalnum:63}'),
 'lan80': ('[a-z0-9]{80}', '{lowalnum:80}', '{lowalnum:79}'),
 'an20': ('[A-Za-z0-9]{20}', '{alnum:20}', '{alnum:19}'),
 'an22': ('[A-Za-z0-9]{22}', '{alnum:22}', '{alnum:21}'),
 'an24': ('[A-Za-z0-9]{24}', '{alnum:24}', '{alnum:23}'),
 'an30': ('[A-Za-z0-9]{30}', '{alnum:30}', '{alnum:29}'),
 'an32': ('[A-Za-z0-9]{32}', '{alnum:32}', '{alnum:31}'),
 'an35': ('[A-Za-z0-9]{35}', '{alnum:35}', '{alnum:34}'),
 'an39': ('[A-Za-z0-9]{39}', '{alnum:39}', '{alnum:38}'),
 'an40': ('[A-Za-z0-9]{40}', '{alnum:40}', '{alnum:39}'),
 'an43': ('[A-Za-z0-9]{43}', '{alnum:43}', '{alnum:42}'),
 'an48': ('[A-Za-z0-9]{48}', '{alnum:48}', '{alnum:47}'),
 'an50': ('[A-Za-z0-9]{50}', '{alnum:50}', '{alnum:49}'),
 'an52': ('[A-Za-z0-9]{52}', '{alnum:52}', '{alnum:51}'),
 'an64': ('[A-Za-z0-9]{64}', '{alnum:64}', '{alnum:63}'),
 'an91': ('[A-Za-z0-9]{91}', '{alnum:91}', '{alnum:90}'),
 'uan32': ('[A-Z0-9]{32}', '{upalnum:32}', '{upalnum:31}'),
 'uan34': ('[A-Z0-9]{34}', '{upalnum:34}', '{upalnum:33}'),
 'uan80': ('[A-Z0-9]{80}', '{upalnum:80}', '{upalnum:79}'),
 'url40': ('[A-Za-z0-9_-]{40}', '{b64url:40}', '{b64url:39}'),
 'url43': ('[A-Za-z0-9_-]{43}', '{b64url:43}', '{b64url:42}'),
 'url64': ('[A-Za-z0-9_-]{64}', '{b64url:64}', '{b64url:63}'),
 # RFC 4122: UUID hex digits are case-insensitive on input (444b05A5-…).
 'uuid': ('[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
          '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:11}'),
 'UUID': ('[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}',
          '{HEX:8}-{HEX:4}-4{HEX:3}-A{HEX:3}-{HEX:12}', '{HEX:8}-{HEX:4}-4{HEX:3}-A{HEX:3}-{HEX:11}'),
}
# Keyword-anchored rules: the provider documents a key but no format we can
# match alone, so the rule needs the provider's name shortly before a
# token of the provider's key shape (on the same or the next line).
# id | display name | keywords | shape | severity | tags | remediation | owns
KEYED = """
abstract-api-key|Abstract API|abstractapi,abstract_api,abstract api,abstract-api|lan32|medium|data|https://www.abstractapi.com/|y
abuseipdb-api-key|AbuseIPDB|abuseipdb|lan80|medium|security|https://www.abuseipdb.com/account/api|y
abyssale-api-key|Abyssale|abyssale|an40|medium|media|https://developers.abyssale.com/|y
accuweather-api-key|AccuWeather|accuweather|an32|low|data|https://developer.accuweather.com/|y
adobe-io-client-secret|Adobe I/O|adobe|lan32|high|cloud|https://developer.adobe.com/developer-console/docs/guides/credentials/|n
adzuna-api-key|Adzuna|adzuna|lan32|medium|data|https://developer.adzuna.com/|y
agora-app-certificate|Agora|agora|ahex32|high|comms|https://docs.agora.io/en/video-calling/get-started/manage-agora-account|y
aha-api-key|Aha!|aha_api,aha.io,aha-api,ahaapi,aha_token,^aha|hex64|high|project|https://www.aha.io/api|n
airbrake-project-key|Airbrake|airbrake|an32|high|observability|https://docs.airbrake.io/docs/devops-tools/api/|n
airbrake-user-key|Airbrake|airbrake|an40|high|observability|https://docs.airbrake.io/docs/devops-tools/api/|n
airship-api-key|Airship|airship|an91|high|comms|https://docs.airship.com/api/ua/|y
airvisual-api-key|AirVisual|airvisual|lan36d|low|data|https://www.iqair.com/air-pollution-data-api|y
alconost-api-key|Alconost|alconost|an32|medium|localization|https://alconost.com/en/api|y
aletheia-api-key|Aletheia API|aletheiaapi,aletheia|uan32|medium|data|https://aletheiaapi.com/|y
alienvault-otx-key|AlienVault OTX|alienvault|lan64|medium|security|https://otx.alienvault.com/api|y
allsports-api-key|AllSportsAPI|allsports|lan64|low|data|https://allsportsapi.com/|y
amadeus-api-secret|Amadeus|amadeus|an32|high|travel|https://developers.amadeus.com/self-service/apis-docs/guides/developer-guides/API-Keys/|y
ambee-api-key|Ambee|ambee|hex64|low|data|https://docs.ambeedata.com/|y
amplitude-api-key|Amplitude|amplitude|hex32|high|observability|https://amplitude.com/docs/apis/authentication|y
anypoint-client-secret|MuleSoft Anypoint|anypoint|an32|high|integration|https://docs.mulesoft.com/access-management/connected-apps-overview|y
apiflash-access-key|ApiFlash|apiflash|lan32|medium|media|https://apiflash.com/documentation|y
apilayer-api-key|APILayer|apilayer|an32|medium|data|https://apilayer.com/docs|y
apimatic-api-key|APIMatic|apimatic|url64|medium|dev|https://docs.apimatic.io/|y
apimetrics-api-key|APImetrics|apimetrics|an32|medium|observability|https://apimetrics.io/|y
apitemplate-api-key|APITemplate.io|apitemplate|an39|medium|media|https://apitemplate.io/apiv2/|y
api2cart-api-key|API2Cart|api2cart|hex32|high|ecommerce|https://api2cart.com/docs/|y
appsynergy-api-key|AppSynergy|appsynergy|lan64|medium|data|https://www.appsynergy.com/|y
artsy-client-secret|Artsy|artsy|an32|medium|media|https://developers.artsy.net/|y
assemblyai-api-key|AssemblyAI|assemblyai|lan32|high|ai|https://www.assemblyai.com/docs/|y
atera-api-key|Atera|atera|lan32|high|it|https://app.atera.com/apidocs|y
autopilot-api-key|Autopilot|autopilot|hex32|medium|marketing|https://autopilot.docs.apiary.io/|n
aviationstack-api-key|aviationstack|aviationstack|lan32|low|data|https://aviationstack.com/documentation|y
axonaut-api-key|Axonaut|axonaut|lan32|medium|crm|https://axonaut.com/api/v2/doc|y
aylien-api-key|AYLIEN|aylien|lan32|medium|ai|https://docs.aylien.com/|y
beebole-api-key|Beebole|beebole|lan40|medium|hr|https://beebole.com/help/api/|y
besnappy-api-key|BeSnappy|besnappy|hex64|medium|support|https://github.com/besnappy/api-docs|y
betterstack-api-token|Better Stack|betterstack,better_stack,better-stack|an24|high|observability|https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/|y
billomat-api-key|Billomat|billomat|hex32|high|payment|https://www.billomat.com/en/api/basics/authentication/|y
bitbar-api-key|BitBar|bitbar|an32|medium|ci|https://support.smartbear.com/bitbar/docs/en/api/|y
bitcoinaverage-api-key|BitcoinAverage|bitcoinaverage|an43|medium|crypto|https://apiv2.bitcoinaverage.com/|y
bitfinex-api-secret|Bitfinex|bitfinex|url43|critical|crypto|https://docs.bitfinex.com/docs/introduction|y
bitly-access-token|Bitly|bitly|an40|medium|marketing|https://dev.bitly.com/docs/getting-started/authentication/|y
blazemeter-api-key|BlazeMeter|blazemeter,runscope|uuid|high|ci|https://help.blazemeter.com/docs/guide/api-blazemeter-api-keys.html|y
blitapp-api-key|Blitapp|blitapp|url40d|medium|media|https://blitapp.com/|y
blocknative-api-key|Blocknative|blocknative|uuid|medium|crypto|https://docs.blocknative.com/|y
boostnote-token|Boost Note|boostnote|hex64|medium|docs|https://boostnote.io/|y
brandfetch-api-key|Brandfetch|brandfetch|an40|low|media|https://docs.brandfetch.com/|y
browserstack-access-key|BrowserStack|browserstack|an20|high|ci|https://www.browserstack.com/docs/automate/api-reference/selenium/introduction|y
browshot-api-key|Browshot|browshot|an28|medium|media|https://browshot.com/api/documentation|y
bscscan-api-key|BscScan|bscscan|uan34|medium|crypto|https://docs.bscscan.com/getting-started/viewing-api-usage-statistics|y
buddyns-api-key|BuddyNS|buddyns|lan40|high|dns|https://www.buddyns.com/support/api/v2/|y
bugherd-api-key|BugHerd|bugherd|lan22|medium|project|https://www.bugherd.com/api_v2|y
bulbul-api-key|Bulbul|bulbul|lan32|medium|ai|https://bulbul.ai/|y
buttercms-api-token|ButterCMS|buttercms|lan40|medium|cms|https://buttercms.com/docs/api/|y
buildkite-agent-token|Buildkite|buildkite|lan40|critical|ci|https://buildkite.com/docs/apis/managing-api-tokens|n
carboninterface-api-key|Carbon Interface|carboninterface|an21|low|data|https://docs.carboninterface.com/|y
censys-api-secret|Censys|censys|an32|high|security|https://search.censys.io/account/api|y
chartmogul-api-key|ChartMogul|chartmogul|lan32|high|payment|https://dev.chartmogul.com/docs/authentication|y
checklyhq-api-key|Checkly|checklyhq,checkly|lan32|high|observability|https://www.checklyhq.com/docs/api-keys/|y
cicero-api-key|Cicero|cicero|lan40|low|data|https://www.cicerodata.com/api/|y
clarifai-api-key|Clarifai|clarifai|an32|high|ai|https://docs.clarifai.com/clarifai-basics/authentication/personal-access-tokens/|y
clearbit-api-key|Clearbit|clearbit|lun35|medium|data|https://dashboard.clearbit.com/docs#authentication|y
clinchpad-api-key|ClinchPad|clinchpad|lan32|medium|crm|https://clinchpad.com/api/docs|y
clockify-api-key|Clockify|clockify|an48|medium|hr|https://docs.clockify.me/#section/Authentication|y
cloudelements-user-secret|Cloud Elements|cloudelements|an43|high|integration|https://docs.cloud-elements.com/|y
cloudimage-api-key|Cloudimage|cloudimage|lun30|medium|media|https://docs.cloudimage.io/|y
cloudplan-api-key|Cloudplan|cloudplan|UAN32d|medium|storage|https://www.cloudplan.net/|y
cloudsmith-api-key|Cloudsmith|cloudsmith|hex40|critical|packages|https://help.cloudsmith.io/docs/api-key|y
codequiry-api-key|Codequiry|codequiry|an64d|medium|dev|https://codequiry.com/usage/api|y
codemagic-api-token|Codemagic|codemagic|lun43|critical|ci|https://docs.codemagic.io/rest-api/codemagic-rest-api/|y
coinlayer-api-key|coinlayer|coinlayer|lan32|low|crypto|https://coinlayer.com/documentation|y
collect2-api-key|Collect2|collect2|uuid|medium|data|https://collect2.com/|y
commercejs-api-key|Commerce.js|commercejs,chec.io,chec_|lun48|high|ecommerce|https://commercejs.com/docs/api/|y
convertkit-api-secret|ConvertKit (Kit)|convertkit|lun22|high|marketing|https://developers.kit.com/|y
countrylayer-api-key|countrylayer|countrylayer|lan32|low|data|https://countrylayer.com/documentation|y
craftmypdf-api-key|CraftMyPDF|craftmypdf|an35|medium|media|https://craftmypdf.com/docs/|y
cryptocompare-api-key|CryptoCompare|cryptocompare|lan64|medium|crypto|https://min-api.cryptocompare.com/documentation|y
currencycloud-api-key|Currencycloud|currencycloud|lan64|critical|payment|https://developer.currencycloud.com/guides/getting-started/authentication/|y
currencyfreaks-api-key|CurrencyFreaks|currencyfreaks|lan32|low|data|https://currencyfreaks.com/documentation.html|y
currencylayer-api-key|currencylayer|currencylayer|lan32|low|data|https://currencylayer.com/documentation|y
currencyscoop-api-key|CurrencyScoop|currencyscoop,currencybeacon|lan32|low|data|https://currencybeacon.com/api-documentation|y
currentsapi-api-key|Currents API|currentsapi|url48|low|data|https://currentsapi.services/en/docs/|y
demio-api-secret|Demio|demio|an32|medium|comms|https://publicdemioapi.docs.apiary.io/|y
gocardless-near|GoCardless|gocardless|an40|high|payment|https://developer.gocardless.com/getting-started/api/making-your-first-request/|n
instamojo-api-secret|Instamojo|instamojo|an40|critical|payment|https://docs.instamojo.com/|y
lemlist-api-key|lemlist|lemlist|hex32|high|marketing|https://developer.lemlist.com/|y
nutritionix-key|Nutritionix|nutritionix|lan32|low|data|https://docx.syndigo.com/developers|y
pinata-api-secret|Pinata|pinata|lan64|high|storage|https://docs.pinata.cloud/account-management/api-keys|y
redhat-pyxis-api-key|Red Hat Pyxis|pyxis|lan32|high|cloud|https://catalog.redhat.com/api/containers/docs/|y
sheety-api-token|Sheety|sheety|lan32|medium|data|https://sheety.co/docs/authentication|y
sinch-api-secret|Sinch|sinch|lan32|high|comms|https://developers.sinch.com/docs/sms/api-reference/authentication/|y
siteleaf-api-secret|Siteleaf|siteleaf|an32|medium|cms|https://learn.siteleaf.com/api/|y
testingbot-api-secret|TestingBot|testingbot|lan32|high|ci|https://testingbot.com/support/api|y
thinkific-api-key|Thinkific|thinkific|hex32|high|education|https://developers.thinkific.com/api/api-key-auth/|y
thousandeyes-api-token|ThousandEyes|thousandeyes|an32|high|observability|https://docs.thousandeyes.com/product-documentation/user-management/rbac#api-tokens|y
twist-oauth-token|Twist|twist_,^twist|hex40|medium|comms|https://developer.twist.com/v3/|n
typetalk-access-token|Typetalk|typetalk|an64|medium|comms|https://developer.nulab.com/docs/typetalk/|y
webex-access-token|Webex|webex|hex64|high|comms|https://developer.webex.com/docs/getting-started|y
websitepulse-api-key|WebSitePulse|websitepulse|hex32|medium|observability|https://www.websitepulse.com/help/api|y
opsgenie-api-key|Opsgenie|opsgenie|uuid|high|observability|https://support.atlassian.com/opsgenie/docs/api-key-management/|y
onesignal-api-key|OneSignal|onesignal|uuid|high|comms|https://documentation.onesignal.com/docs/keys-and-ids|n
npm-legacy-token|npm|npm_token,npmtoken,npm_auth,npm-token,npm token,_authtoken|uuid|critical|packages|https://docs.npmjs.com/revoking-access-tokens|n
loggly-customer-token|Loggly|loggly|uuid|high|observability|https://documentation.solarwinds.com/en/success_center/loggly/content/admin/customer-token-authentication-token.htm|y
loginradius-api-secret|LoginRadius|loginradius|uuid|critical|identity|https://www.loginradius.com/docs/api/|y
interseller-api-key|Interseller|interseller|uuid|medium|crm|https://interseller.io/|y
moosend-api-key|Moosend|moosend|uuid|medium|marketing|https://docs.moosend.com/developers/api-documentation/en/index-en.html|y
postbacks-api-key|Postbacks|postbacks|uuid|medium|dev|https://postbacks.io/|y
refiner-api-key|Refiner|refiner|uuid|medium|marketing|https://refiner.io/docs/api/|y
salesmate-api-key|Salesmate|salesmate|uuid|high|crm|https://apidocs.salesmate.io/|y
shortcut-api-token|Shortcut|shortcut_api,shortcut-api,shortcut_token,shortcut api,shortcut token,shortcutapi,clubhouse_api|uuid|high|project|https://developer.shortcut.com/api/rest/v3#Authentication|y
zenscrape-api-key|Zenscrape|zenscrape|uuid|low|data|https://zenscrape.com/documentation|y
zipcodebase-api-key|Zipcodebase|zipcodebase|uuid|low|data|https://app.zipcodebase.com/documentation|y
apifonica-api-key|Apifonica|apifonica|lan36d|medium|comms|https://www.apifonica.com/en/docs/|y
appcues-api-key|Appcues|appcues|lan36d|medium|marketing|https://docs.appcues.com/|n
apptivo-api-key|Apptivo|apptivo|lan36d|medium|crm|https://www.apptivo.com/api/|y
apacta-api-token|Apacta|apacta|lan36d|medium|project|https://apacta.com/|y
cloudmersive-api-key|Cloudmersive|cloudmersive|lan36d|medium|data|https://api.cloudmersive.com/docs/|y
metabase-session-token|Metabase|metabase|lan36d|high|data|https://www.metabase.com/docs/latest/people-and-groups/api-keys|n
smartystreets-auth-token|SmartyStreets|smartystreets,smarty_auth|an20|medium|data|https://www.smarty.com/docs/cloud/authentication|y
uclassify-api-key|uClassify|uclassify|an12|low|ai|https://www.uclassify.com/docs/restapi|y
parsehub-api-key|ParseHub|parsehub|an12|medium|data|https://www.parsehub.com/docs/ref/api/v2/|y
timezoneapi-api-key|TimezoneAPI|timezoneapi|alpha20|low|data|https://timezoneapi.io/developers|y
ipinfo-token|IPinfo|ipinfo|hex14|low|data|https://ipinfo.io/developers|y
proxycrawl-token|ProxyCrawl (Crawlbase)|proxycrawl,crawlbase|lun22|medium|data|https://crawlbase.com/docs/crawling-api/|y
pandascore-token|PandaScore|pandascore|url51|low|data|https://developers.pandascore.co/docs/authentication|y
supernotes-api-key|Supernotes|supernotes|url43|medium|docs|https://supernotes.app/|y
solarwinds-observability-token|SolarWinds Observability|solarwinds|url71|high|observability|https://documentation.solarwinds.com/en/success_center/observability/content/settings/api-tokens.htm|y
scrapingbee-api-key|ScrapingBee|scrapingbee,scraping_bee,scraping-bee,scraping bee|uan80|medium|data|https://www.scrapingbee.com/documentation/|y
sendbird-organization-token|Sendbird|sendbird|hex24|high|comms|https://sendbird.com/docs/chat/platform-api/v3/prepare-to-use-api|n
zulip-api-key|Zulip|zulip|an32|high|comms|https://zulip.com/api/api-keys|y
easyinsight-api-key|Easy Insight|easyinsight,easy-insight|an20|medium|data|https://www.easy-insight.com/api/|y
duo-secret-key|Duo Security|duosecurity,duo_secret,duo_skey,duo secret|an40|critical|identity|https://duo.com/docs/adminapi|n
textmagic-api-key|TextMagic|textmagic|an30|high|comms|https://docs.textmagic.com/|y
plivo-auth-token|Plivo|plivo|url40|critical|comms|https://www.plivo.com/docs/account/auth-credentials|n
signalwire-api-token|SignalWire|signalwire|an50|critical|comms|https://developer.signalwire.com/guides/your-signalwire-api-space/|n
ringcentral-client-secret|RingCentral|ringcentral|url22|critical|comms|https://developers.ringcentral.com/guide/basics/auth|n
youtube-api-key-near|YouTube Data API|youtube|url39|medium|google|https://developers.google.com/youtube/registering_an_application|n
strava-client-secret|Strava|strava|lan40|medium|social|https://developers.strava.com/docs/authentication/|y
teamgate-api-key|Teamgate|teamgate|lan40|medium|crm|https://developers.teamgate.com/|y
autodesk-client-secret|Autodesk Platform Services|autodesk|an32|high|cloud|https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/create_app/|y
shutterstock-client-secret|Shutterstock|shutterstock|an32|medium|media|https://api-reference.shutterstock.com/#authentication|y
netsuite-consumer-secret|NetSuite|netsuite|an64|critical|erp|https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4247337262.html|y
trello-api-key|Trello|trello|an32|high|project|https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/|n
wepay-access-token|WePay|wepay|wep62|critical|payment|https://developer.wepay.com/|y
yandex-oauth-near|Yandex|yandex|yan83|high|cloud|https://yandex.cloud/en/docs/iam/concepts/authorization/oauth-token|n
zohocrm-near|Zoho|zoho|zoho|critical|crm|https://www.zoho.com/crm/developer/docs/api/v7/oauth-overview.html|n
"""
EXTRA_SHAPES = {
 # Hex in either case (Agora's console shows 970CA35de60c…).
 'ahex32': ('[a-fA-F0-9]{32}', '{hex:32}', '{hex:31}'),
 'lan36d': ('[a-z0-9-]{36}', '{lowalnum:10}-{lowalnum:12}-{lowalnum:12}', '{lowalnum:10}-{lowalnum:12}-{lowalnum:11}'),
 'url40d': ('[A-Za-z0-9_-]{39}', '{b64url:39}', '{b64url:38}'),
 'an21': ('[A-Za-z0-9]{21}', '{alnum:21}', '{alnum:20}'),
 'an28': ('[A-Za-z0-9]{28}', '{alnum:28}', '{alnum:27}'),
 'an12': ('[A-Za-z0-9]{12}', '{alnum:12}', '{alnum:11}'),
 'lun35': ('[a-z0-9_]{35}', '{lowalnum:35}', '{lowalnum:34}'),
 'lun30': ('[a-z0-9_]{30}', '{lowalnum:30}', '{lowalnum:29}'),
 'lun22': ('[A-Za-z0-9_]{22}', '{alnum:22}', '{alnum:21}'),
 'lun43': ('[A-Za-z0-9_]{43}', '{alnum:43}', '{alnum:42}'),
 'lun48': ('[a-z0-9_]{48}', '{lowalnum:48}', '{lowalnum:47}'),
 'UAN32d': ('[A-Z0-9-]{32}', '{upalnum:32}', '{upalnum:31}'),
 'an64d': ('[A-Za-z0-9-]{64}', '{alnum:64}', '{alnum:63}'),
 'url48': ('[A-Za-z0-9_-]{48}', '{b64url:48}', '{b64url:47}'),
 'url51': ('[A-Za-z0-9_-]{51}', '{b64url:51}', '{b64url:50}'),
 'url71': ('[A-Za-z0-9_-]{71}', '{b64url:71}', '{b64url:70}'),
 'url22': ('[A-Za-z0-9_-]{22}', '{b64url:22}', '{b64url:21}'),
 'url39': ('[A-Za-z0-9_-]{39}', '{b64url:39}', '{b64url:38}'),
 'lan11': ('[a-z0-9]{11}', '{lowalnum:11}', '{lowalnum:10}'),
 'lan8': ('[a-z0-9]{8}', '{lowalnum:8}', '{lowalnum:7}'),
 'alpha20': ('[A-Za-z]{20}', '{lower:10}{upper:10}', '{lower:10}{upper:9}'),
 'dig25': ('[0-9]{25}', '{digits:25}', '{digits:24}'),
 'hex14': ('[a-f0-9]{14}', '{hex:10}e7c1', '{hex:9}e7c1'),
 'hex24': ('[a-f0-9]{24}', '{hex:24}', '{hex:23}'),
 'wep62': ('[A-Za-z0-9_]{62}', '{alnum:62}', '{alnum:61}'),
 'yan83': ('[A-Za-z0-9_.-]{83}', '{alnum:83}', '{alnum:82}'),
 'zoho': ('1000\\.[a-f0-9]{32}\\.[a-f0-9]{32}', '1000.{hex:32}.{hex:32}', '1000.{hex:32}.{hex:31}'),
}
SHAPES.update(EXTRA_SHAPES)
import re as _re0
DYN = {'hex': ('[a-f0-9]', 'hex'), 'HEX': ('[A-F0-9]', 'HEX'), 'lan': ('[a-z0-9]', 'lowalnum'),
       'uan': ('[A-Z0-9]', 'upalnum'), 'an': ('[A-Za-z0-9]', 'alnum'), 'url': ('[A-Za-z0-9_-]', 'b64url'),
       'and': ('[A-Za-z0-9-]', 'alnum'), 'anu': ('[A-Za-z0-9_]', 'alnum'), 'land': ('[a-z0-9-]', 'lowalnum'),
       'dig': ('[0-9]', 'digits'), 'b64': ('[A-Za-z0-9+/]', 'b64')}
def shape_of(name):
    if name in EXTRA_SHAPES:
        return EXTRA_SHAPES[name]
    if name in SHAPES:
        return SHAPES[name]
    m = _re0.match(r'^(hex|HEX|lan|uan|an|url|and|anu|land|dig|b64)(\d+)$', name)
    if not m:
        raise KeyError(name)
    rx, cls = DYN[m.group(1)]
    n = int(m.group(2))
    if n <= 24 and cls in ('lowalnum', 'alnum', 'upalnum', 'hex'):
        suf = {'lowalnum': '7q', 'alnum': '7q', 'upalnum': '7Q', 'hex': '7a'}[cls]
        return (rx + '{%d}' % n, '{%s:%d}%s' % (cls, n - 2, suf), '{%s:%d}%s' % (cls, n - 3, suf))
    return (rx + '{%d}' % n, '{%s:%d}' % (cls, n), '{%s:%d}' % (cls, n - 1))
# Prefixed formats: the prefix is the keyword and part of the value.
# name: (regex, template, wrong-length template)
PREFIXED = {}
# Further named checks for a row, by rule id (three-classes: the value
# holds an upper-case letter, a lower-case letter and a digit).
EXTRA_CHECKS = {}
# A wider window after the keyword for a row whose shape alone is
# distinctive enough that the name may stand further away.
NEAR_BY = {}
import os as _os
exec(open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), 'rows.py')).read())
exec(open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), 'rows_tail.py')).read())

NEAR = r"[\s\S]{0,40}?"

def q(s):  # single-quoted YAML scalar
    return "'" + s.replace("'", "''") + "'"

out = ["# Keyword-anchored provider rules: the provider documents an API key but",
"# no prefix or checksum, so a value of the provider's key shape (length and",
"# alphabet) is reported only shortly after the provider's name (the same or",
"# the next line: an assignment, a header, a log line, a credentials.xml",
"# entry). Values must hold a digit, pass the entropy floor and the global",
"# allowlists. Samples are templates (see secrets.yaml).",
"# Generated by tools/keyedgen/gen.py: edit the tables there, not this file.",
"rules:"]
n = 0
for line in [l for l in (KEYED + MORE).strip().splitlines() if l.strip()]:
    rid, name, kws, shape, sev, tag, rem, owns = line.split('|')
    kws = kws.split(',')
    # A keyword written ^name must start a word: 'box api' is not
    # 'scraperbox api'.
    word_start = {k[1:] for k in kws if k.startswith('^')}
    kws = [k.lstrip('^') for k in kws]
    rx, tpl, wrong = PREFIXED[shape] if shape in PREFIXED else shape_of(shape)
    pfx = shape in PREFIXED
    alts = '|'.join(('(?:^|[^A-Za-z0-9])' if k in word_start else '') + k.replace('.', r'\.').replace(' ', r'[ _-]?') for k in kws)
    # A short or common-looking name must start a word; a longer one may be
    # glued into an identifier (getSmartsheet, azureKey).
    near = NEAR_BY.get(rid, NEAR)
    pat = '(?i:' + alts + ')' + near + r'(?:[^\w-])(' + rx + r')(?:[^\w-]|$)'
    if pfx:
        pat = r'(?:^|[^\w-])(' + rx + r')(?:[^\w-]|$)'
    kw0 = kws[0]
    ident = ''.join(c for c in kw0 if c.isalnum())
    up = ''.join(c if c.isalnum() else '_' for c in kw0).upper()
    low_digit = not shape.startswith(('alpha', 'dig')) and shape not in NO_MIX
    checks = ['mixed-classes'] if low_digit else []
    checks += EXTRA_CHECKS.get(rid, [])
    # A keyed value that opens a quoted literal must be the literal or end
    # at a separator (keyed-literal); a prefixed token is its own evidence.
    if not pfx:
        checks.append('keyed-literal')
    ent = 3.0
    if shape in ('alpha20', 'lan8', 'lan11', 'an12', 'hex14', 'dig25'):
        ent = 2.5
    if shape == 'dig25':
        ent = 2.8
    _q = [int(x) for x in _re0.findall(r'\{(\d+)\}', rx)]
    if (_q and max(_q) <= 16 and not pfx) or shape == 'vbout':
        ent = 2.5
    # Short hex keys (24 characters) fall under 3.0 bits often enough by
    # chance alone.
    if shape in ('hex24',):
        ent = 2.7
    n += 1
    out.append(f"  - id: {rid}")
    out.append(f"    description: {q(name + ' key or token shortly after the ' + name + ' name')}")
    out.append(f"    entity: {q(name + ' key')}")
    out.append(f"    severity: {sev}")
    out.append(f"    remediation: {rem}")
    out.append(f"    keywords: [{', '.join(q(k) for k in kws)}]")
    if owns == 'y':
        out.append(f"    owns: [{', '.join(q(k) for k in kws if ' ' not in k and '.' not in k)}]")
    out.append(f"    pattern: {q(pat)}")
    out.append(f"    secretGroup: 1")
    out.append(f"    entropy: {ent}")
    if checks:
        out.append(f"    checks: [{', '.join(checks)}]")
    out.append(f"    tags: [{ident.lower()}, {tag}, keyed]")
    out.append(f"    samples:")
    custom = shape in CUSTOM
    if pfx:
        up = rid.split('-')[0].upper()
    out.append(f"      tp:")
    out.append(f"        - {q(up + '_API_KEY = ' + chr(34) + tpl + chr(34))}")
    out.append(f"        - {q('[DEBUG] calling the ' + kw0 + ' API with key=' + tpl)}")
    out.append(f"      fp:")
    import re as _re
    lowered = _re.sub(r'\{\w+:(\d+)\}', r'{lower:\1}', tpl).replace('}7q', '}qq').replace('}7Q', '}qq').replace('}7a', '}qa').replace('}7{', '}q{')
    if custom or pfx:
        out.append(f"        - {q('see the ' + kw0 + ' docs: a key looks like ' + wrong + ' in the examples')}")
    else:
        out.append(f"        - {q(up + '_API_KEY = ' + chr(34) + (wrong if owns == 'y' else lowered) + chr(34))}")
    if not shape.startswith('alpha') and not custom:
        out.append(f"        - {q('[DEBUG] calling the ' + kw0 + ' API with key=' + lowered)}")
    out.append(f"        - {q(up + '_API_KEY = os.environ[' + chr(34) + up + '_API_KEY' + chr(34) + ']')}")
    if not pfx:
        out.append(f"        - {q('request id ' + tpl + ' served by ' + chr(92) + 'n' + chr(92) + 'n' + chr(92) + 'n' + chr(92) + 'n and later ' + kw0)}")
    out.append("")
print("\n".join(out))
print(f"# {n} rules", file=sys.stderr)
