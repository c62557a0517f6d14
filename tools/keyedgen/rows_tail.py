# More keyed rows for gen.py (exec'd after rows.py): one per credential
# family of a keyed provider whose token has no provider rule yet, written
# from the provider's documented key shape (length, alphabet) and the
# provider's name as keyword. Common words ('box', 'line', 'copper') are
# never keywords alone: the row names the provider with api/key/token or
# its domain, so 'inbox' or 'pipeline' opens no window.
#
# Shapes: the DYN classes of gen.py (lan32 = [a-z0-9]{32}, ...) and ranges
# written CLASSaaTObb (b64171to172 = [A-Za-z0-9+/]{171,172}).
import re as _re_tail


def _range_shape(name):
    m = _re_tail.match(r'^(hex|HEX|lan|uan|an|url|and|anu|land|dig|b64)(\d+)to(\d+)$', name)
    if not m:
        return None
    rx, cls = DYN[m.group(1)]
    a, b = int(m.group(2)), int(m.group(3))
    return (rx + '{%d,%d}' % (a, b), '{%s:%d}' % (cls, b), '{%s:%d}' % (cls, a - 1))


MORE_TAIL = """
box-api-key|Box|^box_api,^boxapi,^box api,^box-api,^box_key,^box_token,^box token,^box key,box.com|an32|medium|saas|https://box.com/|n
ibm-cloud-user-api-key|Ibm Cloud User|^ibm_api,^ibmapi,^ibm api,^ibm-api,^ibm_key,^ibm_token,^ibm token,^ibm key|url44|medium|saas|https://cloud.ibm.com/|n
iconfinder-api-key|Iconfinder|iconfinder|an64|medium|saas|https://iconfinder.com/|y
impala-api-key|Impala|^impala_api,^impalaapi,^impala api,^impala-api,^impala_key,^impala_token,^impala token,^impala key,impala.travel|anu46|medium|saas|https://impala.travel/|n
infura-api-key|Infura|^infura_api,^infuraapi,^infura api,^infura-api,^infura_key,^infura_token,^infura token,^infura key,infura.io|lan32|medium|saas|https://infura.io/|n
insightly-api-key|Insightly|^insightly_api,^insightlyapi,^insightly api,^insightly-api,^insightly_key,^insightly_token,^insightly token,^insightly key,insightly.com|land36|medium|saas|https://insightly.com/|n
intrinio-api-key|Intrinio|intrinio|an44|medium|saas|https://intrinio.com/|y
ip2location-api-key|Ip2Location|ip2location|uan32|medium|saas|https://ip2location.io/|y
ipapi-api-key|Ipapi|ipapi|lan32|medium|saas|https://ipapi.com/|y
ipgeolocation-api-key|Ipgeolocation|ipgeolocation|lan32|medium|saas|https://ipgeolocation.io/|y
ipinfodb-api-key|Ipinfodb|ipinfodb|lan64|medium|saas|https://ipinfodb.com/|y
ipquality-api-key|Ipquality|ipquality|an32|medium|saas|https://ipqualityscore.com/|y
jumpcloud-api-key|Jumpcloud|jumpcloud|an40|medium|saas|https://jumpcloud.com/|y
jupiterone-api-key|Jupiterone|jupiterone|an76|medium|saas|https://jupiterone.io/|y
juro-api-key|Juro|^juro_api,^juroapi,^juro api,^juro-api,^juro_key,^juro_token,^juro token,^juro key,juro.com|an40|medium|saas|https://juro.com/|n
karmacrm-api-key|Karmacrm|karmacrm|an20|medium|saas|https://karmacrm.com/|y
klipfolio-api-key|Klipfolio|klipfolio|hex40|medium|saas|https://klipfolio.com/|y
knapsackpro-api-key|Knapsackpro|knapsackpro|lan32|medium|saas|https://knapsackpro.com/|y
kylas-api-key|Kylas|kylas|land36|medium|saas|https://kylas.io/|y
languagelayer-api-key|Languagelayer|languagelayer|lan32|medium|saas|https://languagelayer.com/|y
leadfeeder-api-key|Leadfeeder|leadfeeder|and43|medium|saas|https://leadfeeder.com/|y
lessannoyingcrm-api-key|Lessannoyingcrm|lessannoyingcrm|and57|medium|saas|https://lessannoyingcrm.com/|y
lexigram-api-key|Lexigram|lexigram|an301|medium|saas|https://lexigram.io/|y
linenotify-api-key|Linenotify|linenotify|an43|medium|saas|https://line.me/|y
linkpreview-api-key|Linkpreview|linkpreview|an32|medium|saas|https://linkpreview.net/|y
loadmill-api-key|Loadmill|loadmill|an40|medium|saas|https://loadmill.com/|y
lokalise-api-key|Lokalise|lokalise|lan40|medium|saas|https://lokalise.com/|y
loyverse-api-key|Loyverse|loyverse|land32|medium|saas|https://loyverse.com/|y
lunchmoney-api-key|Lunchmoney|lunchmoney|hex50|medium|saas|https://lunchmoney.app/|y
m3o-api-key|M3O|^m3o_api,^m3oapi,^m3o api,^m3o-api,^m3o_key,^m3o_token,^m3o token,^m3o key,m3o.com|an48|medium|saas|https://m3o.com/|n
madkudu-api-key|Madkudu|madkudu|hex32|medium|saas|https://madkudu.com/|y
mailboxlayer-api-key|Mailboxlayer|mailboxlayer|lan32|medium|saas|https://apilayer.net/|y
mailerlite-api-key|Mailerlite|mailerlite|lan32|medium|saas|https://mailerlite.com/|y
mailjetsms-api-key|Mailjetsms|^mailjet_api,^mailjetapi,^mailjet api,^mailjet-api,^mailjet_key,^mailjet_token,^mailjet token,^mailjet key,mailjet.com|an32|medium|saas|https://mailjet.com/|n
mandrill-api-key|Mandrill|^mandrill_api,^mandrillapi,^mandrill api,^mandrill-api,^mandrill_key,^mandrill_token,^mandrill token,^mandrill key|url22|medium|saas|https://mandrillapp.com/|n
marketstack-api-key|Marketstack|marketstack|lan32|medium|saas|https://marketstack.com/|y
mavenlink-api-key|Mavenlink|mavenlink|lan64|medium|saas|https://mavenlink.com/|y
meaningcloud-api-key|Meaningcloud|meaningcloud|lan32|medium|saas|https://meaningcloud.com/|y
mediastack-api-key|Mediastack|mediastack|lan32|medium|saas|https://mediastack.com/|y
meistertask-api-key|Meistertask|meistertask|an43|medium|saas|https://meistertask.com/|y
mesibo-api-key|Mesibo|mesibo|an64|medium|saas|https://mesibo.com/|y
metrilo-api-key|Metrilo|metrilo|lan16|medium|saas|https://www.metrilo.com/|y
mindmeister-api-key|Mindmeister|mindmeister|an43|medium|saas|https://mindmeister.com/|y
miro-api-key|Miro|^miro_api,^miroapi,^miro api,^miro-api,^miro_key,^miro_token,^miro token,^miro key,miro.com|an27|medium|saas|https://miro.com/|n
mixmax-api-key|Mixmax|mixmax|url36|medium|saas|https://mixmax.com/|y
mockaroo-api-key|Mockaroo|mockaroo|lan8|medium|saas|https://mockaroo.com/|y
monkeylearn-api-key|Monkeylearn|monkeylearn|hex40|medium|saas|https://monkeylearn.com/|y
moonclerk-api-key|Moonclerk|moonclerk|lan32|medium|saas|https://moonclerk.com/|y
moralis-api-key|Moralis|moralis|an64|medium|saas|https://moralis.io/|y
nasdaqdatalink-api-key|Nasdaqdatalink|nasdaq|url20|medium|saas|https://nasdaq.com/|y
newsapi-api-key|Newsapi|newsapi|lan32|medium|saas|https://newsapi.org/|y
newscatcher-api-key|Newscatcher|newscatcher|anu43|medium|saas|https://newscatcherapi.com/|y
nicereply-api-key|Nicereply|nicereply|hex40|medium|saas|https://nicereply.com/|y
nimble-api-key|Nimble|^nimble_api,^nimbleapi,^nimble api,^nimble-api,^nimble_key,^nimble_token,^nimble token,^nimble key,nimble.com|an30|medium|saas|https://nimble.com/|n
noticeable-api-key|Noticeable|^noticeable_api,^noticeableapi,^noticeable api,^noticeable-api,^noticeable_key,^noticeable_token,^noticeable token,^noticeable key,noticeable.io|an20|medium|saas|https://noticeable.io/|n
numverify-api-key|Numverify|numverify|lan32|medium|saas|https://apilayer.net/|y
nylas-api-key|Nylas|^nylas_api,^nylasapi,^nylas api,^nylas-api,^nylas_key,^nylas_token,^nylas token,^nylas key,nylas.com|an30|medium|saas|https://nylas.com/|n
oanda-api-key|Oanda|^oanda_api,^oandaapi,^oanda api,^oanda-api,^oanda_key,^oanda_token,^oanda token,^oanda key,oanda.com|an24|medium|saas|https://oanda.com/|n
omnisend-api-key|Omnisend|omnisend|and75|medium|saas|https://omnisend.com/|y
oopspam-api-key|Oopspam|oopspam|an40|medium|saas|https://oopspam.com/|y
opencagedata-api-key|Opencagedata|opencagedata|lan32|medium|saas|https://opencagedata.com/|y
openuv-api-key|Openuv|openuv|lan32|medium|saas|https://openuv.io/|y
overloop-api-key|Overloop|overloop|url50|medium|saas|https://overloop.com/|y
owlbot-api-key|Owlbot|owlbot|lan40|medium|saas|https://owlbot.info/|y
packagecloud-api-key|Packagecloud|packagecloud|hex48|medium|saas|https://packagecloud.io/|y
pandadoc-api-key|Pandadoc|pandadoc|an40|medium|saas|https://pandadoc.com/|y
paralleldots-api-key|Paralleldots|paralleldots|an43|medium|saas|https://paralleldots.com/|y
parsers-api-key|Parsers|^parsers_api,^parsersapi,^parsers api,^parsers-api,^parsers_key,^parsers_token,^parsers token,^parsers key,parsers.dev|lan64|medium|saas|https://parsers.dev/|n
partnerstack-api-key|Partnerstack|partnerstack|an64|medium|saas|https://partnerstack.com/|y
pastebin-api-key|Pastebin|pastebin|anu32|medium|saas|https://pastebin.com/|y
paydirtapp-api-key|Paydirtapp|paydirtapp|lan32|medium|saas|https://paydirtapp.com/|y
paymoapp-api-key|Paymoapp|paymoapp|an44|medium|saas|https://paymoapp.com/|y
paymongo-api-key|Paymongo|paymongo|anu32|medium|saas|https://paymongo.com/|y
pdflayer-api-key|Pdflayer|pdflayer|lan32|medium|saas|https://pdflayer.com/|y
pdfshift-api-key|Pdfshift|pdfshift|hex32|medium|saas|https://pdfshift.io/|y
peopledatalabs-api-key|Peopledatalabs|peopledatalabs|lan64|medium|saas|https://peopledatalabs.com/|y
pepipost-api-key|Pepipost|pepipost,netcore|and32|medium|saas|https://pepipost.com/|y
pipedream-api-key|Pipedream|pipedream|lan32|medium|saas|https://pipedream.com/|y
pipedrive-api-key|Pipedrive|pipedrive|an40|medium|saas|https://pipedrive.com/|y
pivotaltracker-api-key|Pivotaltracker|pivotal|lan32|medium|saas|https://pivotaltracker.com/|y
pixabay-api-key|Pixabay|pixabay|land34|medium|saas|https://pixabay.com/|y
planyo-api-key|Planyo|^planyo_api,^planyoapi,^planyo api,^planyo-api,^planyo_key,^planyo_token,^planyo token,^planyo key,planyo.com|lan62|medium|saas|https://planyo.com/|n
podio-api-key|Podio|^podio_api,^podioapi,^podio api,^podio-api,^podio_key,^podio_token,^podio token,^podio key,podio.com|lan32|medium|saas|https://podio.com/|n
pollsapi-api-key|Pollsapi|pollsapi|uan28|medium|saas|https://pollsapi.com/|y
polygon-api-key|Polygon|^polygon_api,^polygonapi,^polygon api,^polygon-api,^polygon_key,^polygon_token,^polygon token,^polygon key,polygon.io|an32|medium|saas|https://polygon.io/|n
positionstack-api-key|Positionstack|positionstack|anu32|medium|saas|https://positionstack.com/|y
postageapp-api-key|Postageapp|postageapp|an32|medium|saas|https://postageapp.com/|y
powrbot-api-key|Powrbot|powrbot|an40|medium|saas|https://powrbot.com/|y
prodpad-api-key|Prodpad|prodpad|hex64|medium|saas|https://prodpad.com/|y
prospectcrm-api-key|Prospectcrm|prospectcrm|land32|medium|saas|https://prospect365.com/|y
protocolsio-api-key|Protocolsio|^protocols_api,^protocolsapi,^protocols api,^protocols-api,^protocols_key,^protocols_token,^protocols token,^protocols key,protocols.io|lan64|medium|saas|https://protocols.io/|n
purestake-api-key|Purestake|purestake|an40|medium|saas|https://purestake.io/|y
qase-api-key|Qase|^qase_api,^qaseapi,^qase api,^qase-api,^qase_key,^qase_token,^qase token,^qase key,qase.io|an40|medium|saas|https://qase.io/|n
qubole-api-key|Qubole|qubole|lan64|medium|saas|https://qubole.com/|y
reachmail-api-key|Reachmail|reachmail|url64|medium|saas|https://reachmail.net/|y
rebrandly-api-key|Rebrandly|rebrandly|anu32|medium|saas|https://rebrandly.com/|y
replyio-api-key|Replyio|replyio|an24|medium|saas|https://reply.io/|y
restpack-api-key|Restpack|restpack|an48|medium|saas|https://restpack.io/|y
ritekit-api-key|Ritekit|ritekit|hex44|medium|saas|https://ritekit.com/|y
rocketreach-api-key|Rocketreach|rocketreach|land39|medium|saas|https://rocketreach.co/|y
route4me-api-key|Route4Me|route4me|uan32|medium|saas|https://route4me.com/|y
salesflare-api-key|Salesflare|salesflare|anu45|medium|saas|https://salesflare.com/|y
scrapeowl-api-key|Scrapeowl|scrapeowl|lan30|medium|saas|https://scrapeowl.com/|y
scraperapi-api-key|Scraperapi|scraperapi|lan32|medium|saas|https://scraperapi.com/|y
scraperbox-api-key|Scraperbox|scraperbox|uan32|medium|saas|https://scraperbox.com/|y
scrapestack-api-key|Scrapestack|scrapestack|lan32|medium|saas|https://scrapestack.com/|y
scrapingant-api-key|Scrapingant|scrapingant|lan32|medium|saas|https://scrapingant.com/|y
screenshotlayer-api-key|Screenshotlayer|screenshotlayer|anu32|medium|saas|https://screenshotlayer.com/|y
scrutinizerci-api-key|Scrutinizerci|scrutinizer|lan64|medium|saas|https://scrutinizer-ci.com/|y
securitytrails-api-key|Securitytrails|securitytrails,security trails|an32|medium|saas|https://securitytrails.com/|y
selectpdf-api-key|Selectpdf|selectpdf|land36|medium|saas|https://selectpdf.com/|y
semaphore-api-key|Semaphore|^semaphore_api,^semaphoreapi,^semaphore api,^semaphore-api,^semaphore_key,^semaphore_token,^semaphore token,^semaphore key,semaphore.co|lan32|medium|saas|https://semaphore.co/|n
serphouse-api-key|Serphouse|serphouse|an60|medium|saas|https://serphouse.com/|y
serpstack-api-key|Serpstack|serpstack|lan32|medium|saas|https://serpstack.com/|y
sherpadesk-api-key|Sherpadesk|sherpadesk|lan32|medium|saas|https://sherpadesk.com/|y
shodan-api-key|Shodan|shodan|an32|medium|saas|https://shodan.io/|y
shotstack-api-key|Shotstack|shotstack|an40|medium|saas|https://shotstack.io/|y
signaturit-api-key|Signaturit|signaturit|an86|medium|saas|https://signaturit.com/|y
signupgenius-api-key|Signupgenius|signupgenius|an32|medium|saas|https://signupgenius.com/|y
sigopt-api-key|Sigopt|sigopt|uan48|medium|saas|https://sigopt.com/|y
simfin-api-key|Simfin|^simfin_api,^simfinapi,^simfin api,^simfin-api,^simfin_key,^simfin_token,^simfin token,^simfin key,simfin.com|an32|medium|saas|https://simfin.com/|n
simplesat-api-key|Simplesat|simplesat|lan40|medium|saas|https://simplesat.io/|y
simplynoted-api-key|Simplynoted|simplynoted|an340to360|medium|saas|https://simplynoted.com/|y
simvoly-api-key|Simvoly|simvoly|lan33|medium|saas|https://simvoly.com/|y
skrappio-api-key|Skrappio|^skrapp_api,^skrappapi,^skrapp api,^skrapp-api,^skrapp_key,^skrapp_token,^skrapp token,^skrapp key,skrapp.io|an42|medium|saas|https://skrapp.io/|n
snipcart-api-key|Snipcart|snipcart|anu75|medium|saas|https://snipcart.com/|y
splunk-observability-api-key|Splunk Observability|^splunk_api,^splunkapi,^splunk api,^splunk-api,^splunk_key,^splunk_token,^splunk token,^splunk key|an22|medium|saas|https://www.splunk.com/|n
spoonacular-api-key|Spoonacular|spoonacular|lan32|medium|saas|https://spoonacular.com/|y
sportsmonk-api-key|Sportsmonk|sportsmonk|an60|medium|saas|https://sportmonks.com/|y
sslmate-api-key|Sslmate|sslmate|an36|medium|saas|https://sslmate.com/|y
statuscake-api-key|Statuscake|statuscake|an20|medium|saas|https://statuscake.com/|y
statuspage-api-key|Statuspage|statuspage|land36|medium|saas|https://statuspage.io/|y
statuspal-api-key|Statuspal|statuspal|an32|medium|saas|https://statuspal.io/|y
stockdata-api-key|Stockdata|stockdata|an40|medium|saas|https://stockdata.org/|y
storecove-api-key|Storecove|storecove|url43|medium|saas|https://storecove.com/|y
stormboard-api-key|Stormboard|stormboard|hex40|medium|saas|https://stormboard.com/|y
surveybot-api-key|Surveybot|surveybot|and80|medium|saas|https://surveybot.io/|y
surveysparrow-api-key|Surveysparrow|surveysparrow|url88|medium|saas|https://surveysparrow.com/|y
survicate-api-key|Survicate|survicate|lan32|medium|saas|https://survicate.com/|y
tatumio-api-key|Tatumio|^tatum_api,^tatumapi,^tatum api,^tatum-api,^tatum_key,^tatum_token,^tatum token,^tatum key,tatum.io|land36|medium|saas|https://tatum.io/|n
taxjar-api-key|Taxjar|taxjar|lan32|medium|saas|https://taxjar.com/|y
technicalanalysisapi-api-key|Technicalanalysisapi|technicalanalysisapi|uan48|medium|saas|https://technical-analysis-api.com/|y
tefter-api-key|Tefter|tefter|an20|medium|saas|https://tefter.io/|y
teletype-api-key|Teletype|teletype|and64|medium|saas|https://teletype.app/|y
theoddsapi-api-key|Theoddsapi|theoddsapi,the-odds-api|hex32|medium|saas|https://the-odds-api.com/|y
ticketmaster-api-key|Ticketmaster|ticketmaster|an32|medium|saas|https://ticketmaster.com/|y
tiingo-api-key|Tiingo|^tiingo_api,^tiingoapi,^tiingo api,^tiingo-api,^tiingo_key,^tiingo_token,^tiingo token,^tiingo key,tiingo.com|lan40|medium|saas|https://tiingo.com/|n
timecamp-api-key|Timecamp|timecamp|lan26|medium|saas|https://timecamp.com/|y
tly-api-key|Tly|^tly_api,^tlyapi,^tly api,^tly-api,^tly_key,^tly_token,^tly token,^tly key|an60|medium|saas|https://t.ly/|n
tmetric-api-key|Tmetric|tmetric|uan64|medium|saas|https://tmetric.com/|y
todoist-api-key|Todoist|todoist|lan40|medium|saas|https://todoist.com/|y
tomorrowio-api-key|Tomorrowio|^tomorrow_api,^tomorrowapi,^tomorrow api,^tomorrow-api,^tomorrow_key,^tomorrow_token,^tomorrow token,^tomorrow key,tomorrow.io|an32|medium|saas|https://tomorrow.io/|n
tomtom-api-key|Tomtom|tomtom|an32|medium|saas|https://tomtom.com/|y
tradier-api-key|Tradier|tradier|an28|medium|saas|https://tradier.com/|y
travelpayouts-api-key|Travelpayouts|travelpayouts|lan32|medium|saas|https://travelpayouts.com/|y
twelvedata-api-key|Twelvedata|twelvedata|lan32|medium|saas|https://twelvedata.com/|y
tyntec-api-key|Tyntec|tyntec|an32|medium|saas|https://tyntec.com/|y
unplugg-api-key|Unplugg|^unplu_api,^unpluapi,^unplu api,^unplu-api,^unplu_key,^unplu_token,^unplu token,^unplu key,unplu.gg|lan64|medium|saas|https://unplu.gg/|n
unsplash-api-key|Unsplash|unsplash|anu43|medium|saas|https://unsplash.com/|y
upcdatabase-api-key|Upcdatabase|upcdatabase|uan32|medium|saas|https://upcdatabase.org/|y
uplead-api-key|Uplead|uplead|land32|medium|saas|https://uplead.com/|y
upwave-api-key|Upwave|^upwave_api,^upwaveapi,^upwave api,^upwave-api,^upwave_key,^upwave_token,^upwave token,^upwave key,upwave.io|lan32|medium|saas|https://upwave.io/|n
urlscan-api-key|Urlscan|urlscan|land36|medium|saas|https://urlscan.io/|y
userstack-api-key|Userstack|userstack|lan32|medium|saas|https://userstack.com/|y
vatlayer-api-key|Vatlayer|vatlayer|lan32|medium|saas|https://apilayer.net/|y
verimail-api-key|Verimail|verimail|uan32|medium|saas|https://verimail.io/|y
veriphone-api-key|Veriphone|veriphone|uan32|medium|saas|https://veriphone.io/|y
versioneye-api-key|Versioneye|versioneye|and40|medium|saas|https://versioneye.com/|y
virustotal-api-key|Virustotal|virustotal|hex64|medium|saas|https://virustotal.com/|y
visualcrossing-api-key|Visualcrossing|visualcrossing|uan25|medium|saas|https://visualcrossing.com/|y
voodoosms-api-key|Voodoosms|voodoosms|an46|medium|saas|https://voodoosms.com/|y
vpnapi-api-key|Vpnapi|vpnapi|an32|medium|saas|https://vpnapi.io/|y
vultr-api-key|Vultr|vultr|uan36|medium|saas|https://vultr.com/|y
vyte-api-key|Vyte|^vyte_api,^vyteapi,^vyte api,^vyte-api,^vyte_key,^vyte_token,^vyte token,^vyte key,vyte.in|lan50|medium|saas|https://vyte.in/|n
walkscore-api-key|Walkscore|walkscore|lan32|medium|saas|https://walkscore.com/|y
weatherbit-api-key|Weatherbit|weatherbit|lan32|medium|saas|https://weatherbit.io/|y
weatherstack-api-key|Weatherstack|weatherstack|lan32|medium|saas|https://weatherstack.com/|y
webscraper-api-key|Webscraper|webscraper|an60|medium|saas|https://webscraper.io/|y
webscraping-api-key|Webscraping|webscraping|an32|medium|saas|https://webscrapingapi.com/|y
weightsandbiases-api-key|Weightsandbiases|wandb|hex40|medium|saas|https://wandb.ai/|y
whoxy-api-key|Whoxy|^whoxy_api,^whoxyapi,^whoxy api,^whoxy-api,^whoxy_key,^whoxy_token,^whoxy token,^whoxy key,whoxy.com|lan33|medium|saas|https://whoxy.com/|n
wistia-api-key|Wistia|^wistia_api,^wistiaapi,^wistia api,^wistia-api,^wistia_key,^wistia_token,^wistia token,^wistia key,wistia.com|lan64|medium|saas|https://wistia.com/|n
wit-api-key|Wit|^wit_api,^witapi,^wit api,^wit-api,^wit_key,^wit_token,^wit token,^wit key,wit.ai|uan32|medium|saas|https://wit.ai/|n
worksnaps-api-key|Worksnaps|worksnaps|an40|medium|saas|https://worksnaps.com/|y
workstack-api-key|Workstack|workstack|an60|medium|saas|https://workstack.io/|y
worldcoinindex-api-key|Worldcoinindex|worldcoinindex|an35|medium|saas|https://worldcoinindex.com/|y
worldweather-api-key|Worldweather|worldweather|lan31|medium|saas|https://worldweatheronline.com/|y
youneedabudget-api-key|Youneedabudget|youneedabudget|hex64|medium|saas|https://youneedabudget.com/|y
yousign-api-key|Yousign|yousign|lan32|medium|saas|https://yousign.com/|y
zenrows-api-key|Zenrows|zenrows|hex40|medium|saas|https://zenrows.com/|y
zenserp-api-key|Zenserp|zenserp|land36|medium|saas|https://zenserp.com/|y
zerobounce-api-key|Zerobounce|zerobounce|lan32|medium|saas|https://zerobounce.net/|y
zerotier-api-key|Zerotier|zerotier|an32|medium|saas|https://zerotier.com/|y
zipcodeapi-api-key|Zipcodeapi|zipcodeapi|an64|medium|saas|https://zipcodeapi.com/|y
zonkafeedback-api-key|Zonkafeedback|^zonka_api,^zonkaapi,^zonka api,^zonka-api,^zonka_key,^zonka_token,^zonka token,^zonka key|an36|medium|saas|https://zonkafeedback.com/|n
calendarific-api-key|Calendarific|calendarific|an32|medium|saas|https://calendarific.com/|y
calorieninja-api-key|Calorieninja|calorieninja|an40|medium|saas|https://calorieninjas.com/|y
campayn-api-key|Campayn|campayn|lan64|medium|saas|https://campayn.com/|y
centralstationcrm-api-key|Centralstationcrm|centralstationcrm|lan30|medium|saas|https://centralstationcrm.net/|y
clustdoc-api-key|Clustdoc|clustdoc|an60|medium|saas|https://clustdoc.com/|y
codacy-api-key|Codacy|codacy|an20|medium|saas|https://app.codacy.com/|y
codeclimate-api-key|Codeclimate|codeclimate|hex40|medium|saas|https://api.codeclimate.com/|y
copper-api-key|Copper|^copper_api,^copperapi,^copper api,^copper-api,^copper_key,^copper_token,^copper token,^copper key|lan32|medium|saas|https://api.copper.com/|n
coveralls-api-key|Coveralls|coveralls|and37|medium|saas|https://coveralls.io/|y
crowdin-api-key|Crowdin|crowdin|an80|medium|saas|https://crowdin.com/|y
dailyco-api-key|Dailyco|^daily_api,^dailyapi,^daily api,^daily-api,^daily_key,^daily_token,^daily token,^daily key,daily.co|hex64|medium|saas|https://daily.co/|n
dandelion-api-key|Dandelion|dandelion|lan32|medium|saas|https://dandelion.eu/|y
dareboost-api-key|Dareboost|dareboost|an60|medium|saas|https://dareboost.com/|y
datagov-api-key|Datagov|api.data.gov,data.gov,datagov,data_gov|an40|medium|saas|https://api.data.gov/|n
deepai-api-key|Deepai|deepai|land36|medium|saas|https://deepai.org/|y
deepgram-api-key|Deepgram|deepgram|lan40|medium|saas|https://deepgram.com/|y
delighted-api-key|Delighted|^delighted_api,^delightedapi,^delighted api,^delighted-api,^delighted_key,^delighted_token,^delighted token,^delighted key,delighted.com|an32|medium|saas|https://delighted.com/|n
detectify-api-key|Detectify|detectify|lan32|medium|saas|https://detectify.com/|y
detectlanguage-api-key|Detectlanguage|detectlanguage|lan32|medium|saas|https://detectlanguage.com/|y
diffbot-api-key|Diffbot|diffbot|lan32|medium|saas|https://diffbot.com/|y
diggernaut-api-key|Diggernaut|diggernaut|lan40|medium|saas|https://diggernaut.com/|y
disqus-api-key|Disqus|disqus|an64|medium|saas|https://disqus.com/|y
docparser-api-key|Docparser|docparser|hex40|medium|saas|https://docparser.com/|y
dronahq-api-key|Dronahq|dronahq|lan50|medium|saas|https://dronahq.com/|y
dynalist-api-key|Dynalist|dynalist|url128|medium|saas|https://dynalist.io/|y
dyspatch-api-key|Dyspatch|dyspatch|uan52|medium|saas|https://dyspatch.io/|y
elasticemail-api-key|Elasticemail|elasticemail|url96|medium|saas|https://elasticemail.com/|y
enigma-api-key|Enigma|^enigma_api,^enigmaapi,^enigma api,^enigma-api,^enigma_key,^enigma_token,^enigma token,^enigma key,enigma.com|an40|medium|saas|https://enigma.com/|n
envoy-api-key|Envoy|^envoy_api,^envoyapi,^envoy api,^envoy-api,^envoy_key,^envoy_token,^envoy token,^envoy key,envoy.com|an220|medium|saas|https://envoy.com/|n
eraser-api-key|Eraser|^eraser_api,^eraserapi,^eraser api,^eraser-api,^eraser_key,^eraser_token,^eraser token,^eraser key|an20|medium|saas|https://www.eraser.io/|n
etherscan-api-key|Etherscan|etherscan|uan34|medium|saas|https://etherscan.io/|y
ethplorer-api-key|Ethplorer|ethplorer|and22|medium|saas|https://ethplorer.io/|y
eventbrite-api-key|Eventbrite|eventbrite|uan20|medium|saas|https://eventbriteapi.com/|y
exchangerateapi-api-key|Exchangerateapi|exchangerate,exchange-rate|hex24|medium|saas|https://exchangerate-api.com/|y
exchangeratesapi-api-key|Exchangeratesapi|exchangerates|lan32|medium|saas|https://exchangeratesapi.io/|y
exportsdk-api-key|Exportsdk|exportsdk|land36|medium|saas|https://exportsdk.com/|y
extractorapi-api-key|Extractorapi|extractorapi|and40|medium|saas|https://extractorapi.com/|y
fastforex-api-key|Fastforex|fastforex|land28|medium|saas|https://fastforex.io/|y
feedier-api-key|Feedier|feedier|an32|medium|saas|https://feedier.com/|y
financialmodelingprep-api-key|Financialmodelingprep|financialmodelingprep|an32|medium|saas|https://financialmodelingprep.com/|y
fixerio-api-key|Fixerio|^fixer_api,^fixerapi,^fixer api,^fixer-api,^fixer_key,^fixer_token,^fixer token,^fixer key,fixer.io|an32|medium|saas|https://fixer.io/|n
flatio-api-key|Flatio|^flat_api,^flatapi,^flat api,^flat-api,^flat_key,^flat_token,^flat token,^flat key,flat.io|lan128|medium|saas|https://flat.io/|n
flightapi-api-key|Flightapi|flightapi|lan24|medium|saas|https://flightapi.io/|y
formcraft-api-key|Formcraft|formcraft|lan16|medium|saas|https://formcrafts.com/|y
fulcrum-api-key|Fulcrum|fulcrum|lan80|medium|saas|https://fulcrumapp.com/|y
geckoboard-api-key|Geckoboard|geckoboard|an44|medium|saas|https://geckoboard.com/|y
geoapify-api-key|Geoapify|geoapify|lan32|medium|saas|https://geoapify.com/|y
geocode-api-key|Geocode|^geocode_api,^geocodeapi,^geocode api,^geocode-api,^geocode_key,^geocode_token,^geocode token,^geocode key,geocode.xyz|lan28|medium|saas|https://geocode.xyz/|n
geocodify-api-key|Geocodify|geocodify|lan40|medium|saas|https://geocodify.com/|y
geoipifi-api-key|Geoipifi|ipifi|anu32|medium|saas|https://ipify.org/|y
getemail-api-key|Getemail|getemail|and20|medium|saas|https://getemail.io/|y
getgeoapi-api-key|Getgeoapi|getgeoapi|lan40|medium|saas|https://getgeoapi.com/|y
getresponse-api-key|Getresponse|getresponse|lan32|medium|saas|https://getresponse.com/|y
glassnode-api-key|Glassnode|glassnode|an27|medium|saas|https://glassnode.com/|y
goodday-api-key|Goodday|goodday|lan32|medium|saas|https://goodday.work/|y
graphcms-api-key|Graphcms|graphcms|lan25|medium|saas|https://graphcms.com/|y
graphhopper-api-key|Graphhopper|graphhopper|land36|medium|saas|https://graphhopper.com/|y
groovehq-api-key|Groovehq|groovehq|an64|medium|saas|https://groovehq.com/|y
gtmetrix-api-key|Gtmetrix|gtmetrix|hex32|medium|saas|https://gtmetrix.com/|y
gumroad-api-key|Gumroad|gumroad|and43|medium|saas|https://gumroad.com/|y
gyazo-api-key|Gyazo|gyazo|and43|medium|saas|https://gyazo.com/|y
happyscribe-api-key|Happyscribe|happyscribe|an24|medium|saas|https://happyscribe.com/|y
helpscout-api-key|Helpscout|helpscout|lan40|medium|saas|https://helpscout.net/|y
hereapi-api-key|Hereapi|hereapi|an43|medium|saas|https://hereapi.com/|y
hiveage-api-key|Hiveage|hiveage|url20|medium|saas|https://hiveage.com/|y
holidayapi-api-key|Holidayapi|holidayapi|land36|medium|saas|https://holidayapi.com/|y
holistic-api-key|Holistic|holistic|hex64|medium|saas|https://holistic.dev/|y
host-api-key|Host|^host_api,^hostapi,^host api,^host-api,^host_key,^host_token,^host token,^host key,host.io|lan14|medium|saas|https://host.io/|n
html2pdf-api-key|Html2Pdf|html2pdf|an64|medium|saas|https://html2pdf.app/|y
humanity-api-key|Humanity|^humanity_api,^humanityapi,^humanity api,^humanity-api,^humanity_key,^humanity_token,^humanity token,^humanity key,humanity.com|lan40|medium|saas|https://humanity.com/|n
hybiscus-api-key|Hybiscus|hybiscus|an43|medium|saas|https://hybiscus.dev/|y
onfleet-api-key|Onfleet|onfleet|lan32|medium|saas|https://onfleet.com/|y
"""

for _l in MORE_TAIL.split('\n'):
    if _l.count('|') == 7:
        _s = _l.split('|')[3]
        if _s not in SHAPES and _s not in EXTRA_SHAPES and _range_shape(_s):
            EXTRA_SHAPES[_s] = _range_shape(_s)
MORE = MORE + MORE_TAIL
