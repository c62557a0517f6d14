PREFIXED.update({
 'spectral': (r'spu-[a-f0-9]{32}', 'spu-{hex:32}', 'spu-{hex:31}'),
 'photoroom': (r'(?:sandbox_)?sk_pr_[A-Za-z0-9]{1,64}_[a-fA-F0-9]{40}', 'sk_pr_{lower:6}_{hex:40}', 'sk_pr_{lower:6}_{hex:39}'),
 'apify': (r'apify_api_[A-Za-z0-9-]{36}', 'apify_api_{alnum:36}', 'apify_api_{alnum:35}'),
 'bannerbear2': (r'bb_(?:pr|ma)_[a-f0-9]{30}', 'bb_pr_{hex:30}', 'bb_pr_{hex:29}'),
 'langfuse': (r'sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', 'sk-lf-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}', 'sk-lf-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:11}'),
 'rootly': (r'rootly_[a-f0-9]{64}', 'rootly_{hex:64}', 'rootly_{hex:63}'),
 'adafruit': (r'aio_[A-Za-z0-9]{28}', 'aio_{alnum:28}', 'aio_{alnum:27}'),
 'alchemy': (r'alcht_[A-Za-z0-9]{30}', 'alcht_{alnum:30}', 'alcht_{alnum:29}'),
 'nrii': (r'NRII-[A-Za-z0-9_-]{25}', 'NRII-{b64url:25}', 'NRII-{b64url:24}'),
 'nriq': (r'NRIQ-[A-Za-z0-9_-]{25}', 'NRIQ-{b64url:25}', 'NRIQ-{b64url:24}'),
 'nrma': (r'(?:AA[0-9a-f]{40}|eu01xx[0-9a-f]{36})-NRMA', 'AA{hex:40}-NRMA', 'AA{hex:39}-NRMA'),
 'ramp': (r'ramp_sec_[A-Za-z0-9]{48}', 'ramp_sec_{alnum:48}', 'ramp_sec_{alnum:47}'),
 'pubnub': (r'(?:pub|sub)-c-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', 'pub-c-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}', 'pub-c-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:11}'),
 'sqapp': (r'(?:sandbox-)?sq0csp-[0-9A-Za-z_-]{43}', 'sq0csp-{b64url:43}', 'sq0csp-{b64url:42}'),
 'cfca': (r'v1\.0-[A-Za-z0-9-]{171}', 'v1.0-{alnum:171}', 'v1.0-{alnum:170}'),
 'thog': (r'thog-secret-[0-9a-f]{32}', 'thog-secret-{hex:32}', 'thog-secret-{hex:31}'),
 'tines': (r'https://[\w-]+\.tines\.com/webhook/[a-z0-9]{32}/[a-z0-9]{32}', 'https://acme.tines.com/webhook/{lowalnum:32}/{lowalnum:32}', 'https://acme.tines.com/webhook/{lowalnum:32}/{lowalnum:31}'),
 'zapier': (r'https://hooks\.zapier\.com/hooks/catch/[0-9]{5,10}/[a-z0-9]{6,8}/?', 'https://hooks.zapier.com/hooks/catch/{digits:7}/{lowalnum:6}/', 'https://hooks.zapier.com/hooks/catch/{digits:4}/{lowalnum:6}/'),
 'salesforce': (r'00[A-Za-z0-9]{13}![A-Za-z0-9_.]{96}', '00D{alnum:12}!{alnum:96}', '00D{alnum:12}!{alnum:95}'),
 'webex': (r'[A-Za-z0-9]{64}_[A-Za-z0-9]{4}_[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}', '{alnum:64}_{upper:4}_{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}', '{alnum:63}_{upper:4}_{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}'),
 'checkout': (r'sk_(?:test_|sbox_)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', 'sk_{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}', 'sk_{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:11}'),
 'checio': (r'pk_[a-z0-9]{45}', 'pk_{lowalnum:45}', 'pk_{lowalnum:44}'),
 'gya29': (r'ya29\.[A-Za-z0-9_-]{30,}', 'ya29.{b64url:120}', 'ya29.{b64url:12}'),
})
EXTRA_SHAPES_NEW = {
 'besttime': (r'pri_[a-f0-9]{32}', 'pri_{hex:32}', 'pri_{hex:31}'),
 'portainer': (r'ptr_[A-Za-z0-9/_+=-]{43,44}', 'ptr_{b64:43}=', 'ptr_{b64:30}'),
 'closecrm': (r'api_[A-Za-z0-9.]{45}', 'api_{alnum:45}', 'api_{alnum:44}'),
 'braintrust': (r'sk-[A-Za-z0-9]{48}', 'sk-{alnum:48}', 'sk-{alnum:47}'),
 'apimmgmt': (r'[A-Za-z0-9+/]{83,85}[A-Za-z0-9]==', '{b64:85}A==', '{b64:70}A=='),
 'brandfetch2': (r'[A-Za-z0-9+/]{43}=', '{b64:43}=', '{alnum:30}='),
 'lan8': ('[a-z0-9]{8}', '{lowalnum:8}', '{lowalnum:7}'),
 'lan11': ('[a-z0-9]{11}', '{lowalnum:11}', '{lowalnum:10}'),
 'airtableoauth': (r'[A-Za-z0-9]{8,40}\.v1\.[A-Za-z0-9_-]{20,}\.[a-f0-9]{5,64}', '{alnum:17}.v1.{b64url:120}.{hex:64}', '{alnum:17}.v2.{b64url:120}.{hex:64}'),
 'appfollowjwt': (r'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9\.[0-9A-Za-z]{74}\.[0-9A-Za-z_-]{43}', 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.{alnum:74}.{b64url:43}', 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.{alnum:74}'),
 'asanaoauth': (r'[a-z0-9]{15,25}:[a-z0-9:/]{15,40}', '{lowalnum:20}:{lowalnum:30}', '{lowalnum:20}'),
 'asanapat': (r'[0-9]{1,}/[0-9]{16,}(?:/[0-9]{16,})?:[A-Za-z0-9]{32,}', '1/{digits:16}:{alnum:32}', '1/{digits:16}:{alnum:20}'),
 'avaza': (r'[0-9]+-[0-9a-f]{40}', '{digits:13}-{hex:40}', '{digits:13}-{hex:39}'),
 'ayrshare': (r'[A-Z0-9]{8}-[A-Z0-9]{8}-[A-Z0-9]{8}-[A-Z0-9]{8}', '{upalnum:8}-{upalnum:8}-{upalnum:8}-{upalnum:8}', '{upalnum:8}-{upalnum:8}-{upalnum:8}-{upalnum:7}'),
 'bannerbear1': (r'[0-9A-Za-z]{22}tt', '{alnum:22}tt', '{alnum:21}tt'),
 'baremetrics': (r'(?:sk|lk)_[A-Za-z0-9]{18,25}', 'sk_{alnum:20}', 'sk_{alnum:12}'),
 'bitmex': (r'[0-9A-Za-z_-]{48}', '{b64url:48}', '{b64url:47}'),
 # Access tokens are 22 letters and digits and "tt"; personal access
 # tokens add -<space id>-<20 characters>.
 'storyblok': (r'[0-9A-Za-z]{22}tt(?:-[0-9]{6}-[A-Za-z0-9_-]{20})?', '{alnum:22}tt-{digits:6}-{b64url:20}', '{alnum:22}tt-{digits:6}-{b64url:19}'),
 'stripojwt': (r'eyJhbGciOiJIUzI1NiJ9\.[0-9A-Za-z]{130}\.[0-9A-Za-z_-]{43}', 'eyJhbGciOiJIUzI1NiJ9.{alnum:130}.{b64url:43}', 'eyJhbGciOiJIUzI1NiJ9.{alnum:130}.{b64url:42}'),
 'moderation': (r'[A-Za-z0-9]{36}\.[A-Za-z0-9]{115}\.[A-Za-z0-9_]{43}', '{alnum:36}.{alnum:115}.{alnum:43}', '{alnum:36}.{alnum:115}.{alnum:42}'),
 'edenai': (r'[A-Za-z0-9]{36}\.[A-Za-z0-9]{92}\.[A-Za-z0-9_]{43}', '{alnum:36}.{alnum:92}.{alnum:43}', '{alnum:36}.{alnum:92}.{alnum:42}'),
 'budibase': (r'[a-f0-9]{32}-[a-f0-9]{78,80}', '{hex:32}-{hex:80}', '{hex:32}-{hex:70}'),
 'cashboard': (r'[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}', '{upalnum:3}-7{upalnum:2}-{upalnum:3}-{upalnum:3}', '{upalnum:3}-{upalnum:3}-{upalnum:3}'),
 'column': (r'(?:test|live)_[A-Za-z0-9]{27}', 'live_{alnum:27}', 'live_{alnum:26}'),
 'convier': (r'[0-9]{2}\|[A-Za-z0-9]{40}', '{digits:2}|{alnum:40}', '{digits:2}|{alnum:39}'),
 'courier': (r'pk_[A-Za-z0-9]{1,}_[A-Za-z0-9]{28}', 'pk_prod_{upalnum:28}', 'pk_prod_{upalnum:27}'),
 'fibery': (r'[0-9a-f]{8}\.[0-9a-f]{35}', '{hex:8}.{hex:35}', '{hex:8}.{hex:34}'),
 'sanity': (r'sk[A-Za-z0-9]{79}', 'sk{alnum:79}', 'sk{alnum:78}'),
 'duply': (r'[0-9A-Z]{7}-[0-9A-Z]{7}-[0-9A-Z]{7}-[0-9A-Z]{7}', '{upalnum:7}-{upalnum:7}-{upalnum:7}-{upalnum:7}', '{upalnum:7}-{upalnum:7}-{upalnum:7}-{upalnum:6}'),
 'uuidl': (r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:11}'),
 'uuida': (r'[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:11}'),
 'uuidA': (r'[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:11}'),
 'aiven': (r'[A-Za-z0-9/+=]{372}', '{b64:372}', '{b64:371}'),
 'appointedd': (r'[A-Za-z0-9=+/]{88}', '{b64:86}==', '{b64:85}=='),
 'optimizely': (r'[0-9A-Za-z:-]{54}', '{alnum:38}:{alnum:15}', '{alnum:38}:{alnum:14}'),
 'salescookie': (r'[A-Za-z0-9]{32}', '{alnum:32}', '{alnum:31}'),
 'vbout': (r'[0-9]{25}', '{digits:25}', '{digits:24}'),
 'bulksms': (r'[A-Za-z0-9]{29}', '{alnum:29}', '{alnum:28}'),
 'capsule': (r'[A-Za-z0-9._+=-]{64}', '{b64url:64}', '{b64url:63}'),
 'onepage': (r'[A-Za-z0-9=]{44}', '{alnum:43}=', '{alnum:42}='),
 'fileio': (r'[A-Z0-9.-]{39}', '{upalnum:16}.{upalnum:22}', '{upalnum:16}.{upalnum:21}'),
 'cloverly': (r'[a-z0-9:_]{28}', 'private_key:{lowalnum:16}', '{lowalnum:27}'),
 'scalr': (r'[0-9A-Za-z._]{136}', '{alnum:136}', '{alnum:135}'),
 'nethunt': (r'[a-z0-9-]{36}', '{lowalnum:8}-{lowalnum:4}-{lowalnum:4}-{lowalnum:4}-{lowalnum:12}', '{lowalnum:8}-{lowalnum:4}-{lowalnum:4}-{lowalnum:4}-{lowalnum:11}'),
 'godaddy': (r'[A-Za-z0-9]{8,14}_[A-Za-z0-9]{20,24}', '{alnum:12}_{alnum:22}', '{alnum:12}_{alnum:10}'),
 'formbucket': (r'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}', 'eyJhbGciOiJIUzI1NiJ9.eyJ{b64url:60}.{b64url:43}', 'eyJhbGciOiJIUzI1NiJ9.eyJ{b64url:6}'),
 'tokeet': (r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}', '{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:11}'),
 'skybio': (r'[0-9a-z]{25,26}', '{lowalnum:26}', '{lowalnum:24}'),
 'mux': (r'[0-9A-Za-z/+]{75}', '{b64:75}', '{b64:74}'),
 'borgbase': (r'[A-Za-z0-9/_.-]{148,152}', '{b64url:150}', '{b64url:140}'),
 'revamp': (r'[A-Za-z0-9]{40}', '{alnum:40}', '{alnum:39}'),
 'auth0': (r'[A-Za-z0-9_-]{64,}', '{b64url:64}', '{b64url:60}'),
 'calendly': (r'eyJ[A-Za-z0-9_-]{100,300}\.eyJ[A-Za-z0-9_-]{100,300}\.[A-Za-z0-9_-]+', 'eyJ{b64url:120}.eyJ{b64url:200}.{b64url:43}', 'eyJ{b64url:120}.eyJ{b64url:20}.{b64url:43}'),
 'conversiontools': (r'ey[A-Za-z0-9_.]{157,165}', 'eyJ{alnum:160}', 'eyJ{alnum:40}'),
 'azfunc': (r'[A-Za-z0-9_-]{54}==', '{b64url:54}==', '{b64url:40}=='),
 'azapimrepo': (r'git&[0-9]{12}&[A-Za-z0-9/+]{85}[A-Za-z0-9]==', 'git&{digits:12}&{b64:85}A==', 'git&{digits:12}&{b64:80}A=='),
 'openai32': (r'[a-f0-9]{32}', '{hex:32}', '{hex:31}'),
 'azbatch': (r'[A-Za-z0-9+/]{86}==', '{b64:86}==', '{b64:85}=='),
 'nexmo': (r'[A-Za-z0-9]{16}', '{alnum:16}', '{alnum:15}'),
}
EXTRA_SHAPES.update(EXTRA_SHAPES_NEW)
MORE = """
spectral-ops-token|SpectralOps|spu-|spectral|high|security|https://guides.spectralops.io/docs/how-to-get-your-personal-api-key|n
braintrust-api-key|Braintrust|braintrust|braintrust|high|ai|https://www.braintrust.dev/docs/reference/api/ApiKeys|y
azure-apim-subscription-key|Azure API Management|ocp-apim-subscription-key,apim_subscription,apim-subscription,apimsubscription,azure-api.net|an32|high|cloud|https://learn.microsoft.com/en-us/azure/api-management/api-management-subscriptions|n
azure-apim-management-key|Azure API Management|azure_apim_management,apim_management,management.azure-api.net|apimmgmt|high|cloud|https://learn.microsoft.com/en-us/rest/api/apimanagement/apimanagementrest/azure-api-management-rest-api-authentication|n
hubspot-api-key-legacy|HubSpot|hapikey,hapi_key,hubapi,hubspotapi|uuidA|high|crm|https://developers.hubspot.com/docs/api/migrate-an-api-key-integration-to-a-private-app|n
alchemy-api-key|Alchemy|alchemy_api,alchemyapi,alchemy-api,alchemy_key,alchemy_token,alchemy.com,alchemy api|anu32|high|crypto|https://docs.alchemy.com/reference/api-overview|y
alchemy-access-token|Alchemy|alcht_|alchemy|high|crypto|https://docs.alchemy.com/reference/api-overview|n
brandfetch-api-key-v2|Brandfetch|brandfetch|brandfetch2|medium|data|https://docs.brandfetch.com/|n
alegra-api-key|Alegra|alegra|land20|medium|accounting|https://developer.alegra.com/|y
audd-api-key|AudD|audd|lan32|medium|media|https://docs.audd.io/|y
autoklose-api-key|Autoklose|autoklose|and32|medium|marketing|https://autoklose.com/|y
azure-devops-pat|Azure DevOps|azure devops,azure_devops,azuredevops,dev.azure.com,azure|lan52|high|cloud|https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate|n
azure-search-key|Azure AI Search|azure_search,azure search,azuresearch,search.windows.net,searchkey,search_key,search-key,azure|an52|high|cloud|https://learn.microsoft.com/en-us/azure/search/search-security-api-keys|n
clickhelp-api-key|ClickHelp|clickhelp|an24|medium|docs|https://clickhelp.com/software-documentation-tool/user-manual/api-overview.html|y
myintervals-api-key|Intervals|myintervals|lan11|medium|project|https://www.myintervals.com/api/|y
apollo-api-key|Apollo.io|apollo|an22|medium|crm|https://docs.apollo.io/docs/create-api-key|n
chatbot-api-key|ChatBot|chatbot_api,chatbotapi,chatbot_token,chatbot-api,chatbot.com|anu32|medium|comms|https://www.chatbot.com/docs/|n
chatfuel-api-key|Chatfuel|chatfuel|an128|medium|comms|https://docs.chatfuel.com/|y
checkvist-api-key|Checkvist|checkvist|an14|medium|project|https://checkvist.com/auth/api|y
cloze-api-key|Cloze|cloze_api,cloze-api,clozeapi,cloze_key,cloze.com|hex32|medium|crm|https://api.cloze.com/|y
coinlib-api-key|Coinlib|coinlib|lan16|low|crypto|https://coinlib.io/apidocs|y
commodities-api-key|Commodities-API|commodities|an60|low|data|https://commodities-api.com/documentation|n
customerguru-api-key|Customer Guru|customerguru|an30|medium|crm|https://customer.guru/|y
debounce-api-key|DeBounce|debounce|an13|medium|data|https://developers.debounce.io/|n
eagleeyenetworks-api-key|Eagle Eye Networks|eagleeyenetworks|an15|medium|security|https://developer.eagleeyenetworks.com/|y
getemails-api-key|GetEmails|getemails|land26|medium|marketing|https://getemails.com/|y
hive-api-key|Hive|hive_api,hive-api,hiveapi,hive.com|lan32|medium|project|https://developers.hive.com/|n
invoiceocean-api-key|InvoiceOcean|invoiceocean|an20|medium|accounting|https://github.com/InvoiceOcean/api|y
kanbantool-api-key|Kanban Tool|kanbantool,kanban tool,kanban_tool,^kanban|uan12|medium|project|https://kanbantool.com/developer/api-v3|y
keenio-api-key|Keen|keenio,keen_io,keen_master,keen_api,keen.io|uan64|medium|observability|https://keen.io/docs/api/|y
liveagent-api-key|LiveAgent|liveagent,ladesk|an32|medium|support|https://support.liveagent.com/|y
luno-api-secret|Luno|luno|url43|high|crypto|https://www.luno.com/en/developers/api|y
magicbell-api-key|MagicBell|magicbell|and40|medium|comms|https://www.magicbell.com/docs/|y
metaapi-api-key|MetaAPI|metaapi,meta-api|hex64|medium|data|https://metaapi.cloud/|y
mite-api-key|mite|mite_api,mite-api,miteapi,mite_key,mite.yo.lk|lan16|medium|project|https://mite.de/en/api/|y
freshworks-api-key|Freshworks|freshworks|url22|medium|crm|https://developers.freshworks.com/|y
neutrinoapi-api-key|NeutrinoAPI|neutrinoapi|an48|medium|data|https://www.neutrinoapi.com/api/api-basics/|y
nexmo-api-secret|Vonage (Nexmo)|nexmo,vonage|nexmo|high|comms|https://developer.vonage.com/en/account/secret-management|y
planview-leankit-token|Planview LeanKit|planviewleankit,leankit,planview|hex128|medium|project|https://success.planview.com/Planview_AgilePlace/API|y
poloniex-api-secret|Poloniex|poloniex|hex128|high|crypto|https://docs.poloniex.com/|y
repairshopr-api-key|RepairShopr|repairshopr|and51|medium|it|https://feedback.repairshopr.com/knowledgebase/articles/376312|y
roaring-api-secret|Roaring|roaring|url28|medium|data|https://developer.roaring.io/|n
rownd-app-secret|Rownd|rownd|lan48|high|identity|https://docs.rownd.io/|y
runrunit-api-key|Runrun.it|runrunit,runrun.it|hex32|medium|project|https://runrun.it/api/documentation|y
sirv-client-secret|Sirv|sirv|an88|medium|media|https://apidocs.sirv.com/|y
smooch-api-secret|Smooch (Sunshine Conversations)|smooch|url86|high|comms|https://docs.smooch.io/guide/authentication/|y
spotify-client-secret|Spotify|spotify|an32|medium|media|https://developer.spotify.com/documentation/web-api/concepts/apps|n
stytch-secret|Stytch|stytch|land49|high|identity|https://stytch.com/docs/api|y
sugester-api-key|Sugester|sugester|an32|medium|crm|https://sugester.com/|y
surveyanyplace-api-key|Survey Anyplace|surveyanyplace|an32|medium|marketing|https://www.surveyanyplace.com/|y
swell-secret-key|Swell|swell_secret,swell-secret,swell_key,swellkey,swell.store,^swell_token,^swell-token,^swell token,^swelltoken,^swell_api,^swell-api,^swell api|an32|high|ecommerce|https://developers.swell.is/backend-api/authentication|y
uploadcare-secret-key|Uploadcare|uploadcare|lan20|high|media|https://uploadcare.com/docs/security/secure-api/|y
vouchery-api-key|Vouchery|vouchery|land36|medium|marketing|https://docs.vouchery.io/|y
photoroom-api-key|Photoroom|sk_pr_|photoroom|high|ai|https://docs.photoroom.com/|n
airtable-oauth-token|Airtable OAuth|airtable|airtableoauth|high|data|https://airtable.com/developers/web/guides/oauth-integrations|n
apify-api-token|Apify|apify_api_|apify|high|data|https://docs.apify.com/platform/integrations/api|n
appfollow-api-token|AppFollow|appfollow|appfollowjwt|medium|marketing|https://docs.api.appfollow.io/|y
avaza-pat|Avaza|avaza|avaza|medium|project|https://api.avaza.com/|y
ayrshare-api-key|Ayrshare|ayrshare|ayrshare|medium|social|https://www.ayrshare.com/docs/|y
bannerbear-api-key|Bannerbear|bannerbear|bannerbear1|medium|media|https://developers.bannerbear.com/|y
bannerbear-project-key|Bannerbear|bb_pr_,bb_ma_|bannerbear2|medium|media|https://developers.bannerbear.com/|n
baremetrics-api-key|Baremetrics|baremetrics|baremetrics|medium|finance|https://developers.baremetrics.com/|y
besttime-api-key|BestTime|besttime|besttime|medium|data|https://besttime.app/api/v1/docs|n
bitmex-api-secret|BitMEX|bitmex|bitmex|high|crypto|https://www.bitmex.com/app/apiKeys|y
langfuse-secret-key|Langfuse|sk-lf-|langfuse|high|ai|https://langfuse.com/faq/all/where-are-langfuse-api-keys|n
rootly-api-key|Rootly|rootly_|rootly|high|observability|https://docs.rootly.com/api-reference/overview|n
storyblok-pat|Storyblok|storyblok|storyblok|high|cms|https://www.storyblok.com/docs/api/management/getting-started/authentication|y
stripo-api-token|Stripo|stripo|stripojwt|medium|marketing|https://api.stripo.email/|y
vbout-api-key|VBOUT|vbout|vbout|medium|marketing|https://developers.vbout.com/|y
webex-bot-token|Webex bot|webex|webex|high|comms|https://developer.webex.com/docs/bots|n
optimizely-api-token|Optimizely|optimizely|optimizely|medium|marketing|https://docs.developers.optimizely.com/|y
salescookie-api-key|Sales Cookie|salescookie|salescookie|medium|crm|https://salescookie.com/|y
moderation-api-key|Moderation API|moderation_api,moderationapi,moderation api,moderation|moderation|medium|ai|https://docs.moderationapi.com/|y
edenai-api-key|Eden AI|edenai,eden_ai|edenai|high|ai|https://docs.edenai.co/|y
budibase-api-key|Budibase|budibase|budibase|high|dev|https://docs.budibase.com/docs/public-api|y
cashboard-api-key|Cashboard|cashboard|cashboard|medium|accounting|https://cashboardapp.com/|y
column-api-key|Column|column_api,column-api,columnapi,column_secret,column_key|column|high|finance|https://column.com/docs/api/|n
convier-api-key|Convier|convier|convier|medium|data|https://convier.me/|y
courier-api-key|Courier|courier|courier|medium|comms|https://www.courier.com/docs/reference/auth/intro/|n
fibery-api-token|Fibery|fibery|fibery|medium|project|https://the.fibery.io/@public/User_Guide/Guide/Fibery-API-Overview-279|y
sanity-api-token|Sanity|sanity|sanity|high|cms|https://www.sanity.io/docs/http-auth|y
duply-api-key|Duply|duply|duply|medium|media|https://duply.co/|y
cliengo-api-key|Cliengo|cliengo|uuidl|medium|crm|https://developers.cliengo.com/|y
tokeet-api-key|Tokeet|tokeet|tokeet|medium|travel|https://capi.tokeet.com/|y
guru-api-token|Guru|getguru,guru_api,guru-api,guruapi,guru_token|uuida|medium|docs|https://developer.getguru.com/|y
saucelabs-access-key|Sauce Labs|saucelabs,sauce_access_key,sauce-access-key|uuida|high|ci|https://docs.saucelabs.com/basics/acct-team-mgmt/managing-user-info/|y
mux-token-secret|Mux|mux_token,mux-token,muxtoken,mux_secret,mux.com|mux|high|media|https://docs.mux.com/core/make-api-requests|y
aiven-api-token|Aiven|aiven|aiven|high|cloud|https://aiven.io/docs/platform/howto/create_authentication_token|y
appointedd-api-key|Appointedd|appointedd|appointedd|medium|crm|https://developers.appointedd.com/|y
bulksms-api-token|BulkSMS|bulksms|bulksms|medium|comms|https://www.bulksms.com/developer/json/v1/|y
capsulecrm-api-token|Capsule CRM|capsulecrm,capsule_crm,capsule crm|capsule|medium|crm|https://developer.capsulecrm.com/v2/overview/authentication|y
onepagecrm-api-key|OnePageCRM|onepagecrm|onepage|medium|crm|https://developer.onepagecrm.com/|y
fileio-api-key|file.io|fileio,file.io|fileio|medium|storage|https://www.file.io/developers|y
scalr-api-token|Scalr|scalr|scalr|high|ci|https://docs.scalr.io/|y
nethunt-api-key|NetHunt|nethunt|nethunt|medium|crm|https://nethunt.com/integration-api|y
godaddy-api-key|GoDaddy|godaddy|godaddy|high|cloud|https://developer.godaddy.com/keys|y
skybiometry-api-secret|SkyBiometry|skybiometry|skybio|medium|ai|https://skybiometry.com/documentation/|y
borgbase-api-token|BorgBase|borgbase|borgbase|high|storage|https://docs.borgbase.com/api/|y
revampcrm-api-key|Revamp CRM|revampcrm,revamp_crm,revamp crm|revamp|medium|crm|https://app.revampcrm.com/|y
auth0-client-secret|Auth0|auth0|auth0|high|identity|https://auth0.com/docs/get-started/applications/rotate-client-secret|n
calendly-pat|Calendly|calendly|calendly|high|scheduling|https://developer.calendly.com/how-to-authenticate-with-personal-access-tokens|y
conversiontools-api-key|Conversion Tools|conversiontools|conversiontools|medium|data|https://conversiontools.io/api-documentation|y
azure-function-key|Azure Functions|azure_function,azurefunction,azure function,azurewebsites.net,x-functions-key,function_key,functions-key|azfunc|high|cloud|https://learn.microsoft.com/en-us/azure/azure-functions/function-keys-how-to|n
azure-apim-repository-key|Azure API Management|azure_apim,azure apim,azureapim,scm.azure-api.net,azure-api.net|azapimrepo|high|cloud|https://learn.microsoft.com/en-us/azure/api-management/api-management-configuration-repository-git|n
azure-openai-api-key|Azure OpenAI|azure_openai,azure-openai,azureopenai,openai.azure.com|openai32|high|ai|https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/role-based-access-control|n
azure-batch-key|Azure Batch|azure_batch,azure batch,azurebatch,batch.azure.com|azbatch|high|cloud|https://learn.microsoft.com/en-us/azure/batch/batch-account-create-portal|n
new-relic-insights-insert-key|New Relic Insights|nrii-|nrii|high|observability|https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/|n
new-relic-insights-query-key|New Relic Insights|nriq-|nriq|high|observability|https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/|n
new-relic-mobile-app-token|New Relic Mobile|-nrma|nrma|medium|observability|https://docs.newrelic.com/docs/mobile-monitoring/|n
ramp-client-secret|Ramp|ramp_sec_|ramp|high|finance|https://docs.ramp.com/developer-api/v1/authorization|n
portainer-api-token|Portainer|portainer|portainer|high|cloud|https://docs.portainer.io/api/access|n
pubnub-key|PubNub|pub-c-,sub-c-|pubnub|medium|comms|https://www.pubnub.com/docs/general/setup/application-setup|n
close-crm-api-key|Close|closecrm,close_crm,close.com,close_api,closeio,close.io,close_key|closecrm|medium|crm|https://developer.close.com/topics/authentication/|n
trufflehog-enterprise-secret|TruffleHog Enterprise|thog-secret-|thog|high|security|https://docs.trufflesecurity.com/|n
tines-webhook-url|Tines|.tines.com/webhook/|tines|medium|automation|https://www.tines.com/docs/actions/types/webhook/|n
zapier-webhook-url|Zapier|hooks.zapier.com/hooks/catch/|zapier|medium|automation|https://help.zapier.com/hc/en-us/articles/8496288690317|n
salesforce-access-token|Salesforce|salesforce,force.com|salesforce|high|crm|https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm|n
checkout-secret-key|Checkout.com|checkout|checkout|high|payments|https://www.checkout.com/docs/developer-resources/api/manage-api-keys|n
checio-api-key|Chec|checio,chec.io,commercejs|checio|medium|ecommerce|https://commercejs.com/docs/|n
google-oauth-access-token|Google OAuth|ya29.|gya29|high|cloud|https://developers.google.com/identity/protocols/oauth2|n
"""

CUSTOM = set(EXTRA_SHAPES_NEW) | set(PREFIXED)
NO_MIX = {'vbout'}
SHORT_FIX = True
