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
box-key|Box|^box_api,^box-api,^box api,^boxapi,^box_key,^box-key,^box key,^boxkey,^box_token,^box-token,^box token,^boxtoken,^box_secret,^box-secret,^box secret,^boxsecret,box.com|an32|medium|saas|https://box.com/|n
ibm-cloud-user-api-key|Ibm Cloud User|^ibm_api,^ibm-api,^ibm api,^ibmapi,^ibm_key,^ibm-key,^ibm key,^ibmkey,^ibm_token,^ibm-token,^ibm token,^ibmtoken,^ibm_secret,^ibm-secret,^ibm secret,^ibmsecret,ibmclouduserkey|url44|medium|saas|https://cloud.ibm.com/|n
iconfinder-api-key|Iconfinder|iconfinder|an64|medium|saas|https://iconfinder.com/|y
impala-api-key|Impala|^impala_api,^impala-api,^impala api,^impalaapi,^impala_key,^impala-key,^impala key,^impalakey,^impala_token,^impala-token,^impala token,^impalatoken,^impala_secret,^impala-secret,^impala secret,^impalasecret,impala.travel|anu46|medium|saas|https://impala.travel/|n
infura-api-key|Infura|infura|lan32|medium|saas|https://infura.io/|y
insightly-api-key|Insightly|insightly|land36|medium|saas|https://insightly.com/|y
intrinio-api-key|Intrinio|intrinio|an44|medium|saas|https://intrinio.com/|y
ip2location-api-key|Ip2Location|ip2location|uan32|medium|saas|https://ip2location.io/|y
ipapi-api-key|Ipapi|ipapi|lan32|medium|saas|https://ipapi.com/|y
ipgeolocation-api-key|Ipgeolocation|ipgeolocation|lan32|medium|saas|https://ipgeolocation.io/|y
ipinfodb-api-key|Ipinfodb|ipinfodb|lan64|medium|saas|https://ipinfodb.com/|y
ipquality-api-key|Ipquality|ipquality|an32|medium|saas|https://ipqualityscore.com/|y
jumpcloud-api-key|Jumpcloud|jumpcloud|an40|medium|saas|https://jumpcloud.com/|y
jupiterone-api-key|Jupiterone|jupiterone|an76|medium|saas|https://jupiterone.io/|y
juro-api-key|Juro|^juro_api,^juro-api,^juro api,^juroapi,^juro_key,^juro-key,^juro key,^jurokey,^juro_token,^juro-token,^juro token,^jurotoken,^juro_secret,^juro-secret,^juro secret,^jurosecret,juro.com|an40|medium|saas|https://juro.com/|n
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
m3o-api-key|M3O|^m3o_api,^m3o-api,^m3o api,^m3oapi,^m3o_key,^m3o-key,^m3o key,^m3okey,^m3o_token,^m3o-token,^m3o token,^m3otoken,^m3o_secret,^m3o-secret,^m3o secret,^m3osecret,m3o.com|an48|medium|saas|https://m3o.com/|n
madkudu-api-key|Madkudu|madkudu|hex32|medium|saas|https://madkudu.com/|y
mailboxlayer-api-key|Mailboxlayer|mailboxlayer|lan32|medium|saas|https://apilayer.net/|y
mailerlite-api-key|Mailerlite|mailerlite|lan32|medium|saas|https://mailerlite.com/|y
mailjetsms-api-key|Mailjetsms|mailjet|an32|medium|saas|https://mailjet.com/|y
mandrill-api-key|Mandrill|mandrill|url22|medium|saas|https://mandrillapp.com/|y
marketstack-api-key|Marketstack|marketstack|lan32|medium|saas|https://marketstack.com/|y
mavenlink-api-key|Mavenlink|mavenlink|lan64|medium|saas|https://mavenlink.com/|y
meaningcloud-api-key|Meaningcloud|meaningcloud|lan32|medium|saas|https://meaningcloud.com/|y
mediastack-api-key|Mediastack|mediastack|lan32|medium|saas|https://mediastack.com/|y
meistertask-api-key|Meistertask|meistertask|an43|medium|saas|https://meistertask.com/|y
mesibo-api-key|Mesibo|mesibo|an64|medium|saas|https://mesibo.com/|y
metrilo-api-key|Metrilo|metrilo|lan16|medium|saas|https://www.metrilo.com/|y
mindmeister-api-key|Mindmeister|mindmeister|an43|medium|saas|https://mindmeister.com/|y
miro-api-key|Miro|^miro_api,^miro-api,^miro api,^miroapi,^miro_key,^miro-key,^miro key,^mirokey,^miro_token,^miro-token,^miro token,^mirotoken,^miro_secret,^miro-secret,^miro secret,^mirosecret,miro.com|an27|medium|saas|https://miro.com/|n
mixmax-key|Mixmax|mixmax|url36|medium|saas|https://mixmax.com/|y
mockaroo-api-key|Mockaroo|mockaroo|lan8|medium|saas|https://mockaroo.com/|y
monkeylearn-api-key|Monkeylearn|monkeylearn|hex40|medium|saas|https://monkeylearn.com/|y
moonclerk-api-key|Moonclerk|moonclerk|lan32|medium|saas|https://moonclerk.com/|y
moralis-api-key|Moralis|moralis|an64|medium|saas|https://moralis.io/|y
nasdaqdatalink-api-key|Nasdaqdatalink|nasdaq|url20|medium|saas|https://nasdaq.com/|y
newsapi-api-key|Newsapi|newsapi|lan32|medium|saas|https://newsapi.org/|y
newscatcher-api-key|Newscatcher|newscatcher|anu43|medium|saas|https://newscatcherapi.com/|y
nicereply-api-key|Nicereply|nicereply|hex40|medium|saas|https://nicereply.com/|y
nimble-api-key|Nimble|^nimble_api,^nimble-api,^nimble api,^nimbleapi,^nimble_key,^nimble-key,^nimble key,^nimblekey,^nimble_token,^nimble-token,^nimble token,^nimbletoken,^nimble_secret,^nimble-secret,^nimble secret,^nimblesecret,nimble.com|an30|medium|saas|https://nimble.com/|n
noticeable-api-key|Noticeable|^noticeable_api,^noticeable-api,^noticeable api,^noticeableapi,^noticeable_key,^noticeable-key,^noticeable key,^noticeablekey,^noticeable_token,^noticeable-token,^noticeable token,^noticeabletoken,^noticeable_secret,^noticeable-secret,^noticeable secret,^noticeablesecret,noticeable.io|an20|medium|saas|https://noticeable.io/|n
numverify-api-key|Numverify|numverify|lan32|medium|saas|https://apilayer.net/|y
nylas-api-key|Nylas|nylas|an30|medium|saas|https://nylas.com/|y
oanda-api-key|Oanda|oanda|an24|medium|saas|https://oanda.com/|y
omnisend-api-key|Omnisend|omnisend|and75|medium|saas|https://omnisend.com/|y
oopspam-api-key|Oopspam|oopspam|an40|medium|saas|https://oopspam.com/|y
opencagedata-api-key|Opencagedata|opencagedata|lan32|medium|saas|https://opencagedata.com/|y
openuv-api-key|Openuv|openuv|lan32|medium|saas|https://openuv.io/|y
overloop-api-key|Overloop|overloop|url50|medium|saas|https://overloop.com/|y
owlbot-api-key|Owlbot|owlbot|lan40|medium|saas|https://owlbot.info/|y
packagecloud-api-key|Packagecloud|packagecloud|hex48|medium|saas|https://packagecloud.io/|y
pandadoc-api-key|Pandadoc|pandadoc|an40|medium|saas|https://pandadoc.com/|y
paralleldots-api-key|Paralleldots|paralleldots|an43|medium|saas|https://paralleldots.com/|y
parsers-api-key|Parsers|^parsers_api,^parsers-api,^parsers api,^parsersapi,^parsers_key,^parsers-key,^parsers key,^parserskey,^parsers_token,^parsers-token,^parsers token,^parserstoken,^parsers_secret,^parsers-secret,^parsers secret,^parserssecret,parsers.dev|lan64|medium|saas|https://parsers.dev/|n
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
planyo-api-key|Planyo|planyo|lan62|medium|saas|https://planyo.com/|y
podio-api-key|Podio|^podio_api,^podio-api,^podio api,^podioapi,^podio_key,^podio-key,^podio key,^podiokey,^podio_token,^podio-token,^podio token,^podiotoken,^podio_secret,^podio-secret,^podio secret,^podiosecret,podio.com|lan32|medium|saas|https://podio.com/|n
pollsapi-api-key|Pollsapi|pollsapi|uan28|medium|saas|https://pollsapi.com/|y
polygon-api-key|Polygon|^polygon_api,^polygon-api,^polygon api,^polygonapi,^polygon_key,^polygon-key,^polygon key,^polygonkey,^polygon_token,^polygon-token,^polygon token,^polygontoken,^polygon_secret,^polygon-secret,^polygon secret,^polygonsecret,polygon.io|an32|medium|saas|https://polygon.io/|n
positionstack-api-key|Positionstack|positionstack|anu32|medium|saas|https://positionstack.com/|y
postageapp-api-key|Postageapp|postageapp|an32|medium|saas|https://postageapp.com/|y
powrbot-api-key|Powrbot|powrbot|an40|medium|saas|https://powrbot.com/|y
prodpad-api-key|Prodpad|prodpad|hex64|medium|saas|https://prodpad.com/|y
prospectcrm-api-key|Prospectcrm|prospectcrm|land32|medium|saas|https://prospect365.com/|y
protocolsio-api-key|Protocolsio|^protocols_api,^protocols-api,^protocols api,^protocolsapi,^protocols_key,^protocols-key,^protocols key,^protocolskey,^protocols_token,^protocols-token,^protocols token,^protocolstoken,^protocols_secret,^protocols-secret,^protocols secret,^protocolssecret,protocols.io,protocolsio|lan64|medium|saas|https://protocols.io/|n
purestake-api-key|Purestake|purestake|an40|medium|saas|https://purestake.io/|y
qase-api-key|Qase|^qase_api,^qase-api,^qase api,^qaseapi,^qase_key,^qase-key,^qase key,^qasekey,^qase_token,^qase-token,^qase token,^qasetoken,^qase_secret,^qase-secret,^qase secret,^qasesecret,qase.io|an40|medium|saas|https://qase.io/|n
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
scraperbox-key|Scraperbox|scraperbox|uan32|medium|saas|https://scraperbox.com/|y
scrapestack-api-key|Scrapestack|scrapestack|lan32|medium|saas|https://scrapestack.com/|y
scrapingant-api-key|Scrapingant|scrapingant|lan32|medium|saas|https://scrapingant.com/|y
screenshotlayer-api-key|Screenshotlayer|screenshotlayer|anu32|medium|saas|https://screenshotlayer.com/|y
scrutinizerci-api-key|Scrutinizerci|scrutinizer|lan64|medium|saas|https://scrutinizer-ci.com/|y
securitytrails-api-key|Securitytrails|securitytrails,security trails|an32|medium|saas|https://securitytrails.com/|y
selectpdf-api-key|Selectpdf|selectpdf|land36|medium|saas|https://selectpdf.com/|y
semaphore-api-key|Semaphore|^semaphore_api,^semaphore-api,^semaphore api,^semaphoreapi,^semaphore_key,^semaphore-key,^semaphore key,^semaphorekey,^semaphore_token,^semaphore-token,^semaphore token,^semaphoretoken,^semaphore_secret,^semaphore-secret,^semaphore secret,^semaphoresecret,semaphore.co|lan32|medium|saas|https://semaphore.co/|n
serphouse-api-key|Serphouse|serphouse|an60|medium|saas|https://serphouse.com/|y
serpstack-api-key|Serpstack|serpstack|lan32|medium|saas|https://serpstack.com/|y
sherpadesk-api-key|Sherpadesk|sherpadesk|lan32|medium|saas|https://sherpadesk.com/|y
shodan-api-key|Shodan|shodan|an32|medium|saas|https://shodan.io/|y
shotstack-api-key|Shotstack|shotstack|an40|medium|saas|https://shotstack.io/|y
signaturit-api-key|Signaturit|signaturit|an86|medium|saas|https://signaturit.com/|y
signupgenius-api-key|Signupgenius|signupgenius|an32|medium|saas|https://signupgenius.com/|y
sigopt-api-key|Sigopt|sigopt|uan48|medium|saas|https://sigopt.com/|y
simfin-api-key|Simfin|simfin|an32|medium|saas|https://simfin.com/|y
simplesat-api-key|Simplesat|simplesat|lan40|medium|saas|https://simplesat.io/|y
simplynoted-api-key|Simplynoted|simplynoted|an340to360|medium|saas|https://simplynoted.com/|y
simvoly-api-key|Simvoly|simvoly|lan33|medium|saas|https://simvoly.com/|y
skrappio-api-key|Skrappio|skrapp|an42|medium|saas|https://skrapp.io/|y
snipcart-api-key|Snipcart|snipcart|anu75|medium|saas|https://snipcart.com/|y
splunk-observability-api-key|Splunk Observability|splunk|an22|medium|saas|https://www.splunk.com/|y
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
tatumio-api-key|Tatumio|tatum|land36|medium|saas|https://tatum.io/|y
taxjar-api-key|Taxjar|taxjar|lan32|medium|saas|https://taxjar.com/|y
technicalanalysisapi-api-key|Technicalanalysisapi|technicalanalysisapi|uan48|medium|saas|https://technical-analysis-api.com/|y
tefter-api-key|Tefter|tefter|an20|medium|saas|https://tefter.io/|y
teletype-api-key|Teletype|teletype|and64|medium|saas|https://teletype.app/|y
theoddsapi-api-key|Theoddsapi|theoddsapi,the-odds-api|hex32|medium|saas|https://the-odds-api.com/|y
ticketmaster-api-key|Ticketmaster|ticketmaster|an32|medium|saas|https://ticketmaster.com/|y
tiingo-api-key|Tiingo|tiingo|lan40|medium|saas|https://tiingo.com/|y
timecamp-api-key|Timecamp|timecamp|lan26|medium|saas|https://timecamp.com/|y
tly-api-key|Tly|^tly_api,^tly-api,^tly api,^tlyapi,^tly_key,^tly-key,^tly key,^tlykey,^tly_token,^tly-token,^tly token,^tlytoken,^tly_secret,^tly-secret,^tly secret,^tlysecret|an60|medium|saas|https://t.ly/|n
tmetric-api-key|Tmetric|tmetric|uan64|medium|saas|https://tmetric.com/|y
todoist-api-key|Todoist|todoist|lan40|medium|saas|https://todoist.com/|y
tomorrowio-api-key|Tomorrowio|^tomorrow_api,^tomorrow-api,^tomorrow api,^tomorrowapi,^tomorrow_key,^tomorrow-key,^tomorrow key,^tomorrowkey,^tomorrow_token,^tomorrow-token,^tomorrow token,^tomorrowtoken,^tomorrow_secret,^tomorrow-secret,^tomorrow secret,^tomorrowsecret,tomorrow.io,tomorrowio|an32|medium|saas|https://tomorrow.io/|n
tomtom-api-key|Tomtom|tomtom|an32|medium|saas|https://tomtom.com/|y
tradier-api-key|Tradier|tradier|an28|medium|saas|https://tradier.com/|y
travelpayouts-api-key|Travelpayouts|travelpayouts|lan32|medium|saas|https://travelpayouts.com/|y
twelvedata-api-key|Twelvedata|twelvedata|lan32|medium|saas|https://twelvedata.com/|y
tyntec-api-key|Tyntec|tyntec|an32|medium|saas|https://tyntec.com/|y
unplugg-api-key|Unplugg|^unplu_api,^unplu-api,^unplu api,^unpluapi,^unplu_key,^unplu-key,^unplu key,^unplukey,^unplu_token,^unplu-token,^unplu token,^unplutoken,^unplu_secret,^unplu-secret,^unplu secret,^unplusecret,unplu.gg,unplugg|lan64|medium|saas|https://unplu.gg/|n
unsplash-api-key|Unsplash|unsplash|anu43|medium|saas|https://unsplash.com/|y
upcdatabase-api-key|Upcdatabase|upcdatabase|uan32|medium|saas|https://upcdatabase.org/|y
uplead-api-key|Uplead|uplead|land32|medium|saas|https://uplead.com/|y
upwave-api-key|Upwave|^upwave_api,^upwave-api,^upwave api,^upwaveapi,^upwave_key,^upwave-key,^upwave key,^upwavekey,^upwave_token,^upwave-token,^upwave token,^upwavetoken,^upwave_secret,^upwave-secret,^upwave secret,^upwavesecret,upwave.io|lan32|medium|saas|https://upwave.io/|n
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
vyte-api-key|Vyte|^vyte_api,^vyte-api,^vyte api,^vyteapi,^vyte_key,^vyte-key,^vyte key,^vytekey,^vyte_token,^vyte-token,^vyte token,^vytetoken,^vyte_secret,^vyte-secret,^vyte secret,^vytesecret,vyte.in|lan50|medium|saas|https://vyte.in/|n
walkscore-api-key|Walkscore|walkscore|lan32|medium|saas|https://walkscore.com/|y
weatherbit-api-key|Weatherbit|weatherbit|lan32|medium|saas|https://weatherbit.io/|y
weatherstack-api-key|Weatherstack|weatherstack|lan32|medium|saas|https://weatherstack.com/|y
webscraper-api-key|Webscraper|webscraper|an60|medium|saas|https://webscraper.io/|y
webscraping-api-key|Webscraping|webscraping|an32|medium|saas|https://webscrapingapi.com/|y
weightsandbiases-api-key|Weightsandbiases|wandb,weightsandbiases|hex40|medium|saas|https://wandb.ai/|y
whoxy-api-key|Whoxy|whoxy|lan33|medium|saas|https://whoxy.com/|y
wistia-api-key|Wistia|wistia|lan64|medium|saas|https://wistia.com/|y
wit-api-key|Wit|^wit_api,^wit-api,^wit api,^witapi,^wit_key,^wit-key,^wit key,^witkey,^wit_token,^wit-token,^wit token,^wittoken,^wit_secret,^wit-secret,^wit secret,^witsecret,wit.ai|uan32|medium|saas|https://wit.ai/|n
worksnaps-api-key|Worksnaps|worksnaps|an40|medium|saas|https://worksnaps.com/|y
workstack-api-key|Workstack|workstack|an60|medium|saas|https://workstack.io/|y
worldcoinindex-key|Worldcoinindex|worldcoinindex|an35|medium|saas|https://worldcoinindex.com/|y
worldweather-api-key|Worldweather|worldweather|lan31|medium|saas|https://worldweatheronline.com/|y
youneedabudget-api-key|Youneedabudget|youneedabudget|hex64|medium|saas|https://youneedabudget.com/|y
yousign-api-key|Yousign|yousign|lan32|medium|saas|https://yousign.com/|y
zenrows-api-key|Zenrows|zenrows|hex40|medium|saas|https://zenrows.com/|y
zenserp-api-key|Zenserp|zenserp|land36|medium|saas|https://zenserp.com/|y
zerobounce-api-key|Zerobounce|zerobounce|lan32|medium|saas|https://zerobounce.net/|y
zerotier-api-key|Zerotier|zerotier|an32|medium|saas|https://zerotier.com/|y
zipcodeapi-api-key|Zipcodeapi|zipcodeapi|an64|medium|saas|https://zipcodeapi.com/|y
zonkafeedback-api-key|Zonkafeedback|zonka|an36|medium|saas|https://zonkafeedback.com/|y
calendarific-api-key|Calendarific|calendarific|an32|medium|saas|https://calendarific.com/|y
calorieninja-api-key|Calorieninja|calorieninja|an40|medium|saas|https://calorieninjas.com/|y
campayn-api-key|Campayn|campayn|lan64|medium|saas|https://campayn.com/|y
centralstationcrm-api-key|Centralstationcrm|centralstationcrm|lan30|medium|saas|https://centralstationcrm.net/|y
clustdoc-api-key|Clustdoc|clustdoc|an60|medium|saas|https://clustdoc.com/|y
codacy-api-key|Codacy|codacy|an20|medium|saas|https://app.codacy.com/|y
codeclimate-api-key|Codeclimate|codeclimate|hex40|medium|saas|https://api.codeclimate.com/|y
copper-api-key|Copper|^copper_api,^copper-api,^copper api,^copperapi,^copper_key,^copper-key,^copper key,^copperkey,^copper_token,^copper-token,^copper token,^coppertoken,^copper_secret,^copper-secret,^copper secret,^coppersecret|lan32|medium|saas|https://api.copper.com/|n
coveralls-api-key|Coveralls|coveralls|and37|medium|saas|https://coveralls.io/|y
crowdin-api-key|Crowdin|crowdin|an80|medium|saas|https://crowdin.com/|y
dailyco-api-key|Dailyco|^daily_api,^daily-api,^daily api,^dailyapi,^daily_key,^daily-key,^daily key,^dailykey,^daily_token,^daily-token,^daily token,^dailytoken,^daily_secret,^daily-secret,^daily secret,^dailysecret,daily.co,dailyco|hex64|medium|saas|https://daily.co/|n
dandelion-api-key|Dandelion|dandelion|lan32|medium|saas|https://dandelion.eu/|y
dareboost-api-key|Dareboost|dareboost|an60|medium|saas|https://dareboost.com/|y
datagov-api-key|Datagov|api.data.gov,data.gov,datagov,data_gov|an40|medium|saas|https://api.data.gov/|y
deepai-api-key|Deepai|deepai|land36|medium|saas|https://deepai.org/|y
deepgram-api-key|Deepgram|deepgram|lan40|medium|saas|https://deepgram.com/|y
delighted-api-key|Delighted|^delighted_api,^delighted-api,^delighted api,^delightedapi,^delighted_key,^delighted-key,^delighted key,^delightedkey,^delighted_token,^delighted-token,^delighted token,^delightedtoken,^delighted_secret,^delighted-secret,^delighted secret,^delightedsecret,delighted.com|an32|medium|saas|https://delighted.com/|n
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
enigma-api-key|Enigma|^enigma_api,^enigma-api,^enigma api,^enigmaapi,^enigma_key,^enigma-key,^enigma key,^enigmakey,^enigma_token,^enigma-token,^enigma token,^enigmatoken,^enigma_secret,^enigma-secret,^enigma secret,^enigmasecret,enigma.com|an40|medium|saas|https://enigma.com/|n
envoy-api-key|Envoy|^envoy_api,^envoy-api,^envoy api,^envoyapi,^envoy_key,^envoy-key,^envoy key,^envoykey,^envoy_token,^envoy-token,^envoy token,^envoytoken,^envoy_secret,^envoy-secret,^envoy secret,^envoysecret,envoy.com|an220|medium|saas|https://envoy.com/|n
eraser-api-key|Eraser|^eraser_api,^eraser-api,^eraser api,^eraserapi,^eraser_key,^eraser-key,^eraser key,^eraserkey,^eraser_token,^eraser-token,^eraser token,^erasertoken,^eraser_secret,^eraser-secret,^eraser secret,^erasersecret|an20|medium|saas|https://www.eraser.io/|n
etherscan-api-key|Etherscan|etherscan|uan34|medium|saas|https://etherscan.io/|y
ethplorer-api-key|Ethplorer|ethplorer|and22|medium|saas|https://ethplorer.io/|y
eventbrite-api-key|Eventbrite|eventbrite|uan20|medium|saas|https://eventbriteapi.com/|y
exchangerateapi-api-key|Exchangerateapi|exchangerate,exchange-rate|hex24|medium|saas|https://exchangerate-api.com/|y
exchangeratesapi-api-key|Exchangeratesapi|exchangerates|lan32|medium|saas|https://exchangeratesapi.io/|y
exportsdk-api-key|Exportsdk|exportsdk|land36|medium|saas|https://exportsdk.com/|y
extractorapi-api-key|Extractorapi|extractorapi|and40|medium|saas|https://extractorapi.com/|y
fastforex-key|Fastforex|fastforex|land28|medium|saas|https://fastforex.io/|y
feedier-api-key|Feedier|feedier|an32|medium|saas|https://feedier.com/|y
financialmodelingprep-api-key|Financialmodelingprep|financialmodelingprep|an32|medium|saas|https://financialmodelingprep.com/|y
fixerio-api-key|Fixerio|^fixer_api,^fixer-api,^fixer api,^fixerapi,^fixer_key,^fixer-key,^fixer key,^fixerkey,^fixer_token,^fixer-token,^fixer token,^fixertoken,^fixer_secret,^fixer-secret,^fixer secret,^fixersecret,fixer.io,fixerio|an32|medium|saas|https://fixer.io/|n
flatio-api-key|Flatio|^flat_api,^flat-api,^flat api,^flatapi,^flat_key,^flat-key,^flat key,^flatkey,^flat_token,^flat-token,^flat token,^flattoken,^flat_secret,^flat-secret,^flat secret,^flatsecret,flat.io,flatio|lan128|medium|saas|https://flat.io/|n
flightapi-api-key|Flightapi|flightapi|lan24|medium|saas|https://flightapi.io/|y
formcraft-api-key|Formcraft|formcraft|lan16|medium|saas|https://formcrafts.com/|y
fulcrum-api-key|Fulcrum|fulcrum|lan80|medium|saas|https://fulcrumapp.com/|y
geckoboard-api-key|Geckoboard|geckoboard|an44|medium|saas|https://geckoboard.com/|y
geoapify-api-key|Geoapify|geoapify|lan32|medium|saas|https://geoapify.com/|y
geocode-api-key|Geocode|^geocode_api,^geocode-api,^geocode api,^geocodeapi,^geocode_key,^geocode-key,^geocode key,^geocodekey,^geocode_token,^geocode-token,^geocode token,^geocodetoken,^geocode_secret,^geocode-secret,^geocode secret,^geocodesecret,geocode.xyz|lan28|medium|saas|https://geocode.xyz/|n
geocodify-api-key|Geocodify|geocodify|lan40|medium|saas|https://geocodify.com/|y
geoipifi-api-key|Geoipifi|ipifi,geoipifi|anu32|medium|saas|https://ipify.org/|y
getemail-api-key|Getemail|getemail|and20|medium|saas|https://getemail.io/|y
getgeoapi-api-key|Getgeoapi|getgeoapi|lan40|medium|saas|https://getgeoapi.com/|y
getresponse-api-key|Getresponse|getresponse|lan32|medium|saas|https://getresponse.com/|y
glassnode-api-key|Glassnode|glassnode|an27|medium|saas|https://glassnode.com/|y
goodday-api-key|Goodday|goodday|lan32|medium|saas|https://goodday.work/|y
graphcms-api-key|Graphcms|graphcms|lan25|medium|saas|https://graphcms.com/|y
graphhopper-api-key|Graphhopper|graphhopper|land36|medium|saas|https://graphhopper.com/|y
groovehq-api-key|Groovehq|groovehq|an64|medium|saas|https://groovehq.com/|y
gtmetrix-key|Gtmetrix|gtmetrix|hex32|medium|saas|https://gtmetrix.com/|y
gumroad-api-key|Gumroad|gumroad|and43|medium|saas|https://gumroad.com/|y
gyazo-api-key|Gyazo|gyazo|and43|medium|saas|https://gyazo.com/|y
happyscribe-api-key|Happyscribe|happyscribe|an24|medium|saas|https://happyscribe.com/|y
helpscout-api-key|Helpscout|helpscout|lan40|medium|saas|https://helpscout.net/|y
hereapi-api-key|Hereapi|hereapi|an43|medium|saas|https://hereapi.com/|y
hiveage-api-key|Hiveage|hiveage|url20|medium|saas|https://hiveage.com/|y
holidayapi-api-key|Holidayapi|holidayapi|land36|medium|saas|https://holidayapi.com/|y
holistic-api-key|Holistic|holistic|hex64|medium|saas|https://holistic.dev/|y
host-api-key|Host|^host_api,^host-api,^host api,^hostapi,^host_key,^host-key,^host key,^hostkey,^host_token,^host-token,^host token,^hosttoken,^host_secret,^host-secret,^host secret,^hostsecret,host.io|lan14|medium|saas|https://host.io/|n
html2pdf-api-key|Html2Pdf|html2pdf|an64|medium|saas|https://html2pdf.app/|y
humanity-api-key|Humanity|^humanity_api,^humanity-api,^humanity api,^humanityapi,^humanity_key,^humanity-key,^humanity key,^humanitykey,^humanity_token,^humanity-token,^humanity token,^humanitytoken,^humanity_secret,^humanity-secret,^humanity secret,^humanitysecret,humanity.com|lan40|medium|saas|https://humanity.com/|n
hybiscus-api-key|Hybiscus|hybiscus|an43|medium|saas|https://hybiscus.dev/|y
onfleet-api-key|Onfleet|onfleet|lan32|medium|saas|https://onfleet.com/|y
"""

for _l in MORE_TAIL.split('\n'):
    if _l.count('|') == 7:
        _s = _l.split('|')[3]
        if _s not in SHAPES and _s not in EXTRA_SHAPES and _range_shape(_s):
            EXTRA_SHAPES[_s] = _range_shape(_s)
MORE = MORE + MORE_TAIL

# --- batch 2: prefixed formats and keyed shapes that are not one class
PREFIXED.update({
 'cfut': (r'cf[ua]t_[A-Za-z0-9]{40}[a-f0-9]{8}', 'cfut_{alnum:40}{hex:8}', 'cfut_{alnum:40}{hex:7}'),
 'cfk': (r'cfk_[A-Za-z0-9]{40}[a-f0-9]{8}', 'cfk_{alnum:40}{hex:8}', 'cfk_{alnum:40}{hex:7}'),
 'figp': (r'figp_[A-Za-z0-9_=-]{40,54}', 'figp_{b64url:40}', 'figp_{b64url:30}'),
 'figd': (r'fig[dourh]_[A-Za-z0-9_-]{40}', 'figd_{b64url:40}', 'figd_{b64url:39}'),
 'hspat': (r'pat-(?:eu|na)1-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}', 'pat-na1-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}', 'pat-na1-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:11}'),
 'phx': (r'phx_[A-Za-z0-9_]{43,48}', 'phx_{alnum:44}', 'phx_{alnum:40}'),
 'sqco': (r'sqco_[A-Za-z0-9]{59}', 'sqco_{alnum:59}', 'sqco_{alnum:58}'),
 'salad': (r'salad_cloud_[0-9A-Za-z]{1,7}_[0-9A-Za-z]{7,235}', 'salad_cloud_org_{alnum:50}', 'salad_cloud_org_{alnum:5}'),
 'pcsk': (r'pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}', 'pcsk_{alnum:6}_{alnum:63}', 'pcsk_{alnum:6}_{alnum:62}'),
 'lob': (r'(?:live|test)_[a-f0-9]{35}', 'live_{hex:35}', 'live_{hex:34}'),
 'endr': (r'endr\+[A-Za-z0-9-]{16}', 'endr+{alnum:16}', 'endr+{alnum:15}'),
 'tkn': (r'tkn\.v1_[0-9A-Za-z]{71}=', 'tkn.v1_{alnum:71}=', 'tkn.v1_{alnum:70}='),
})
EXTRA_SHAPES_B2 = {
 'dfuse': (r'web_[0-9a-z]{32}', 'web_{lowalnum:32}', 'web_{lowalnum:31}'),
 'telnyx': (r'KEY[0-9A-Za-z_-]{55}', 'KEY{b64url:55}', 'KEY{b64url:54}'),
 'squareeaaa': (r'EAAA[A-Za-z0-9_+=-]{60}', 'EAAA{b64url:60}', 'EAAA{b64url:59}'),
 'mailsac': (r'k_[0-9A-Za-z]{36,}', 'k_{alnum:40}', 'k_{alnum:30}'),
 'kickbox': (r'[A-Za-z0-9_]{65,84}', '{alnum:70}', '{alnum:60}'),
 'imagekit': (r'[A-Za-z0-9_=]{36}', '{alnum:36}', '{alnum:35}'),
 'hexmix64': (r'[0-9A-Fa-f]{64}', '{hex:60}{HEX:4}', '{hex:59}{HEX:4}'),
 'hexmix32': (r'[0-9A-Fa-f]{32}', '{hex:28}{HEX:4}', '{hex:27}{HEX:4}'),
 'lun29': (r'[a-z0-9_]{29}', '{lowalnum:29}', '{lowalnum:28}'),
 'iexsk': (r'sk_[a-z0-9]{32}', 'sk_{lowalnum:32}', 'sk_{lowalnum:31}'),
 'scrapfly': (r'(?:scp-(?:live|test)-)?[a-z0-9]{32}', 'scp-live-{lowalnum:32}', 'scp-live-{lowalnum:31}'),
 'shipday': (r'[A-Za-z0-9.]{11}[A-Za-z0-9]{20}', '{alnum:31}', '{alnum:30}'),
 'uptimerobot': (r'[A-Za-z0-9]{9}-[A-Za-z0-9]{24}', 'u{digits:7}7-{alnum:24}', 'u{digits:7}7-{alnum:23}'),
 'swiftype': (r'[A-Za-z0-9-]{6}_[A-Za-z0-9-]{6}-[A-Za-z0-9-]{6}', '{alnum:6}_{alnum:6}-{alnum:6}', '{alnum:6}_{alnum:6}-{alnum:5}'),
 'zenkit': (r'[0-9a-z]{8}-[0-9A-Za-z]{32}', '{lowalnum:8}-{alnum:32}', '{lowalnum:8}-{alnum:31}'),
 'tickettailor': (r'sk_[0-9]{4}_[0-9]{6}_[a-f0-9]{32}', 'sk_{digits:4}_{digits:6}_{hex:32}', 'sk_{digits:4}_{digits:6}_{hex:31}'),
 'clickup': (r'pk_[0-9]{7,9}_[0-9A-Z]{32}', 'pk_{digits:8}_{upalnum:32}', 'pk_{digits:8}_{upalnum:31}'),
 'salesblink': (r'key-[A-Za-z0-9]{64}', 'key-{alnum:64}', 'key-{alnum:63}'),
 'convertapi': (r'secret_[0-9A-Za-z]{16}', 'secret_{alnum:14}7q', 'secret_{alnum:13}7q'),
 'nrpersonal': (r'[A-Za-z0-9_.]{4}-[A-Za-z0-9_.]{42}', '{upper:4}-{alnum:42}', '{upper:4}-{alnum:41}'),
}
EXTRA_SHAPES.update(EXTRA_SHAPES_B2)
CUSTOM |= set(EXTRA_SHAPES_B2) | {'cfut', 'cfk', 'figp', 'figd', 'hspat', 'phx', 'sqco', 'salad', 'pcsk', 'lob', 'endr', 'tkn', 'duply', 'uuida'}
MORE_TAIL2 = """
cloudflare-user-api-token|Cloudflare|cfut_,cfat_|cfut|high|cloud|https://developers.cloudflare.com/fundamentals/api/get-started/create-token/|n
cloudflare-global-api-key-v2|Cloudflare|cfk_|cfk|critical|cloud|https://developers.cloudflare.com/fundamentals/api/get-started/keys/|n
adafruit-io-token|Adafruit IO|aio_|adafruit|medium|iot|https://io.adafruit.com/api/docs/#authentication|n
figma-pat|Figma|figp_|figp|high|design|https://www.figma.com/developers/api#access-tokens|n
figma-access-token|Figma|figd_,figr_,figo_,figu_,figh_|figd|high|design|https://www.figma.com/developers/api#access-tokens|n
posthog-personal-api-key|PostHog|phx_|phx|high|observability|https://posthog.com/docs/api#private-endpoint-authentication|n
sonarcloud-token|SonarCloud|sqco_|sqco|high|ci|https://docs.sonarsource.com/sonarqube-cloud/managing-your-account/managing-tokens/|n
saladcloud-api-key|SaladCloud|salad_cloud_|salad|high|cloud|https://docs.salad.com/reference/api-usage|n
endorlabs-api-key|Endor Labs|endr+|endr|high|security|https://docs.endorlabs.com/rest-api/using-the-rest-api/authentication/|n
teamwork-api-token|Teamwork|tkn.v1_|tkn|high|project|https://apidocs.teamwork.com/guides/teamwork/authentication|n
dfuse-api-key|dfuse|dfuse|dfuse|medium|crypto|https://docs.dfuse.io/|y
telnyx-key|Telnyx|telnyx|telnyx|high|comms|https://developers.telnyx.com/docs/overview|y
square-access-token-eaaa|Square|square|squareeaaa|high|payments|https://developer.squareup.com/docs/build-basics/access-tokens|n
mailsac-api-key|Mailsac|mailsac|mailsac|medium|email|https://mailsac.com/docs/api|y
kickbox-key|Kickbox|kickbox|kickbox|medium|email|https://docs.kickbox.com/docs/using-the-api|y
imagekit-private-key|ImageKit|imagekit|imagekit|high|media|https://docs.imagekit.io/api-reference/api-introduction/api-keys|y
percy-token|Percy|percy|hex64|high|ci|https://www.browserstack.com/docs/percy/get-started/set-env-var|y
streak-api-key|Streak|^streak|hexmix32|medium|crm|https://streak.readme.io/docs/authentication|n
ipstack-api-key|ipstack|ipstack|hexmix32|low|data|https://ipstack.com/documentation|y
jotform-api-key|Jotform|jotform|an32|medium|forms|https://api.jotform.com/docs/|y
rawg-api-key|RAWG|^rawg|an32|low|data|https://rawg.io/apidocs|n
toggl-api-token|Toggl Track|toggltrack,toggl_api,toggl_token,toggl token,toggl api,toggl.com,toggl_key|an32|medium|project|https://developers.track.toggl.com/docs/authentication|n
webflow-api-token|Webflow|webflow|an64|high|cms|https://developers.webflow.com/data/reference/authentication|y
userflow-api-key|Userflow|userflow|lun29|medium|saas|https://userflow.com/docs/api|y
stitchdata-api-token|Stitch|stitchdata|lun35|high|data|https://www.stitchdata.com/docs/developers/import-api/guides/quick-start|y
iexcloud-api-key|IEX Cloud|iexcloud|lun35|medium|finance|https://iexcloud.io/docs/|y
iexapis-api-key|IEX Cloud|iexapis|iexsk|medium|finance|https://iexcloud.io/docs/|n
speechtext-api-key|SpeechText.AI|speechtext|hex32|medium|ai|https://speechtext.ai/api-docs|y
scrapfly-api-key|Scrapfly|scrapfly|scrapfly|medium|saas|https://scrapfly.io/docs/project#api-keys|y
shipday-api-key|Shipday|shipday|shipday|medium|logistics|https://docs.shipday.com/reference/authentication|y
uptimerobot-api-key|UptimeRobot|uptimerobot|uptimerobot|medium|observability|https://uptimerobot.com/api/|y
swiftype-api-key|Swiftype|swiftype|swiftype|medium|search|https://swiftype.com/documentation/site-search/overview|y
mailmodo-api-key|Mailmodo|mailmodo|duply|medium|email|https://www.mailmodo.com/developers/|y
requestfinance-api-key|Request Finance|requestfinance|duply|high|finance|https://docs.request.finance/|y
screenshotapi-api-key|ScreenshotAPI|screenshotapi|duply|medium|media|https://screenshotapi.net/documentation|y
logzio-api-token|Logz.io|logzio,logz.io,logz_io|uuida|high|observability|https://docs.logz.io/docs/user-guide/admin/authentication-tokens/api-tokens/|y
nftport-api-key|NFTPort|nftport|uuida|medium|crypto|https://docs.nftport.xyz/|y
scaleway-secret-key|Scaleway|scaleway|uuida|high|cloud|https://www.scaleway.com/en/docs/identity-and-access-management/iam/how-to/create-api-keys/|y
coda-api-token|Coda|^coda_api,^coda_token,^coda token,^coda api,^coda_key,^coda key,^codatoken,coda.io|uuida|medium|docs|https://coda.io/developers/apis/v1|n
canny-api-key|Canny|^canny_api,^canny_key,^canny api,^canny key,^canny token,^canny_token,canny.io,cannyio|uuida|medium|saas|https://developers.canny.io/api-reference|n
magnetic-api-key|Magnetic|^magnetic_api,^magnetic api,^magnetic_key,^magnetic key,^magnetic token,^magnetic_token,magnetichq|uuida|medium|project|https://app.magnetichq.com/|n
zenkit-api-key|Zenkit|zenkit|zenkit|medium|project|https://base.zenkit.com/docs/api/overview/authentication|y
tickettailor-api-key|Ticket Tailor|tickettailor|tickettailor|medium|events|https://developers.tickettailor.com/#authentication|n
clickup-personal-token|ClickUp|clickup|clickup|high|project|https://clickup.com/api/developer-portal/authentication/|n
salesblink-api-key|SalesBlink|salesblink|salesblink|medium|marketing|https://salesblink.io/|n
convertapi-secret|ConvertAPI|convertapi|convertapi|medium|media|https://www.convertapi.com/doc/auth|n
new-relic-personal-api-key|New Relic|newrelic,new_relic,new relic|nrpersonal|high|observability|https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/|n
"""
MORE = MORE + MORE_TAIL2

# --- batch 3: legacy key shapes of providers whose current tokens have a
# prefixed rule (typeform tfp_, netlify nfp_, nuget oy2, digitalocean
# dop_v1_), and keyed shapes with '=' or '.' in the alphabet.
EXTRA_SHAPES_B3 = {
 'yelp': (r'[A-Za-z0-9_=.-]{128}', '{b64url:128}', '{b64url:127}'),
 'an64eq': (r'[A-Za-z0-9=]{64}', '{alnum:63}=', '{alnum:62}='),
 'an72eq': (r'[A-Za-z0-9=]{72}', '{alnum:71}=', '{alnum:70}='),
 'pushbullet': (r'[A-Za-z0-9_.]{34}', 'o.{alnum:32}', 'o.{alnum:31}'),
 'stormglass': (r'[0-9A-Za-z-]{73}', '{alnum:36}-{alnum:36}', '{alnum:36}-{alnum:35}'),
 'unifyid': (r'[0-9A-Za-z_=-]{44}', '{b64url:43}=', '{b64url:42}='),
 'nozbe': (r'[0-9A-Za-z]{16}_[0-9A-Za-z_-]{64}', '{alnum:16}_{b64url:64}', '{alnum:16}_{b64url:63}'),
}
EXTRA_SHAPES_B3['url43to45'] = _range_shape('url43to45')
EXTRA_SHAPES.update(EXTRA_SHAPES_B3)
CUSTOM |= set(EXTRA_SHAPES_B3)
MORE_TAIL3 = """
typeform-token-legacy|Typeform|typeform|an44|high|forms|https://www.typeform.com/developers/get-started/personal-access-token/|n
netlify-token-legacy|Netlify|netlify|url43to45|high|cloud|https://docs.netlify.com/api/get-started/#authentication|n
digitalocean-token-legacy|DigitalOcean|digitalocean|url64|high|cloud|https://docs.digitalocean.com/reference/api/create-personal-access-token/|n
yelp-api-key|Yelp Fusion|yelp|yelp|medium|data|https://docs.developer.yelp.com/docs/fusion-authentication|y
qualaroo-api-key|Qualaroo|qualaroo|an64eq|medium|saas|https://help.qualaroo.com/hc/en-us/articles/201969438-The-REST-Reporting-API|y
imagga-api-key|Imagga|imagga|an72eq|medium|ai|https://docs.imagga.com/#authentication|y
pushbullet-access-token|Pushbullet|pushbullet|pushbullet|medium|comms|https://docs.pushbullet.com/#authentication|y
stormglass-api-key|Stormglass|stormglass|stormglass|low|data|https://docs.stormglass.io/#/authentication|y
unifyid-api-key|UnifyID|unifyid|unifyid|medium|security|https://unify.id/|y
nozbe-teams-token|Nozbe Teams|nozbeteams,nozbe|nozbe|medium|project|https://nozbe.com/|y
"""
MORE = MORE + MORE_TAIL3

# --- batch 4: Shutterstock OAuth access tokens are "v2/" and a long
# base64 body (the API reference's examples); read under a Shutterstock
# name, whose 32-character client secret keeps its own row.
EXTRA_SHAPES_B4 = {
 'sstkv2': (r'v2/[A-Za-z0-9]{300,500}', 'v2/{alnum:388}', 'v2/{alnum:120}'),
}
EXTRA_SHAPES.update(EXTRA_SHAPES_B4)
CUSTOM |= set(EXTRA_SHAPES_B4)
MORE_TAIL4 = """
shutterstock-oauth-token|Shutterstock|shutterstock|sstkv2|high|media|https://api-reference.shutterstock.com/#authentication|n
"""
MORE = MORE + MORE_TAIL4
# --- batch 5 (fourth session): Azure AI Search keys (52 letters and
# digits, Microsoft's "search-security-api-keys") also next to a bare
# "azure" (azureKey:, azure_key:), as Azure DevOps PATs already are; a
# search key is random base62, so it must hold upper case, lower case and
# a digit (three-classes), which also keeps the all-lowercase DevOps PAT
# shape (lan52) to its own row. Shutterstock consumer secrets are 16
# letters and digits (the 32-character consumer key keeps its row).
EXTRA_CHECKS['azure-search-key'] = ['three-classes']
MORE_TAIL5 = """
shutterstock-consumer-secret|Shutterstock|shutterstock|an16|high|media|https://api-reference.shutterstock.com/#authentication|n
"""
MORE = MORE + MORE_TAIL5
# --- batch 6: MaxMind legacy license keys (16 letters and digits, before
# the _mmk format) next to a MaxMind/GeoIP name; "geoip" names databases
# and libraries too, so the key must be random base62 (three-classes).
EXTRA_CHECKS['maxmind-license-key-legacy'] = ['three-classes']
MORE_TAIL6 = """
maxmind-license-key-legacy|MaxMind|maxmind,^geoip,^geolite|an16|medium|data|https://support.maxmind.com/hc/en-us/articles/4407111582235-Generate-a-License-Key|n
"""
MORE = MORE + MORE_TAIL6
# --- batch 7: Mixpanel service account secrets are 32 random letters and
# digits (project tokens and API secrets, 32 hex digits, keep their rule):
# next to a Mixpanel name, upper case, lower case and a digit.
EXTRA_CHECKS['mixpanel-service-account-secret'] = ['three-classes']
MORE_TAIL7 = """
mixpanel-service-account-secret|Mixpanel|mixpanel|an32|high|analytics|https://developer.mixpanel.com/reference/service-accounts|n
"""
MORE = MORE + MORE_TAIL7
# --- batch 8: Azure API Management repository (git) credentials are
# git&<12-digit expiry>&<base64 of 64 bytes>, a shape distinctive enough
# to be read within 64 bytes of an APIM host (a credentials entry below
# its URL). Duply and ExportSDK: the value trufflehog's detectors (and the
# providers' consoles) pair with the id is a UUID (Duply) or
# <prefix>_<36 characters> (ExportSDK), read next to the provider name
# like the id rows above.
NEAR_BY['azure-apim-repository-key'] = r"[\s\S]{0,64}?"
EXTRA_SHAPES_B8 = {
 'exportsdkkey': (r'[0-9a-z]{5,15}_[0-9a-z-]{36}', '{lowalnum:6}_{lowalnum:36}', '{lowalnum:6}_{lowalnum:20}'),
}
EXTRA_SHAPES.update(EXTRA_SHAPES_B8)
CUSTOM |= set(EXTRA_SHAPES_B8)
MORE_TAIL8 = """
duply-api-secret|Duply|duply|uuidl|medium|media|https://duply.co/|n
exportsdk-secret-key|Exportsdk|exportsdk|exportsdkkey|medium|saas|https://exportsdk.com/|n
"""
MORE = MORE + MORE_TAIL8
# --- batch 9 (2026-12-07): provider families that had no provider rule,
# each from the provider's public token format (its API documentation's
# key description or examples; NVIDIA's nvapi- keys from build.nvidia.com).
# trufflehog (AGPL-3.0) was used only to list which families had no rule:
# no pattern or code of its detectors is copied. Every row is keyword-gated.
PREFIXED.update({
 'nvapi': (r'nvapi-[A-Za-z0-9_-]{64}', 'nvapi-{b64url:64}', 'nvapi-{b64url:63}'),
})
EXTRA_SHAPES_B9 = {
 'pagarme': (r'ak_(?:live|test)_[A-Za-z0-9]{30}', 'ak_live_{alnum:30}', 'ak_live_{alnum:29}'),
 'ubidots': (r'BB(?:FF|US)-[A-Za-z0-9]{30}', 'BBFF-{alnum:30}', 'BBFF-{alnum:29}'),
 'nightfall': (r'NF-[A-Za-z0-9]{32}', 'NF-{alnum:32}', 'NF-{alnum:31}'),
 'locationiq': (r'pk\.[a-f0-9]{32}', 'pk.{hex:32}', 'pk.{hex:31}'),
 'geminiex': (r'(?:master|account)-[A-Za-z0-9]{20}', 'account-{alnum:20}', 'account-{alnum:19}'),
 'everhour': (r'[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{8}', '{hex:4}-{hex:4}-{hex:6}-{hex:6}-{hex:8}', '{hex:4}-{hex:4}-{hex:6}-{hex:6}-{hex:7}'),
 'finage': (r'API_KEY[A-Za-z0-9]{32}', 'API_KEY{alnum:32}', 'API_KEY{alnum:31}'),
 'notionsecret': (r'secret_[A-Za-z0-9]{43}', 'secret_{alnum:43}', 'secret_{alnum:42}'),
 'azconfig': (r'[A-Za-z0-9+/]{43}=|[A-Za-z0-9]{84}', '{b64:43}=', '{b64:42}='),
}
EXTRA_SHAPES.update(EXTRA_SHAPES_B9)
CUSTOM |= set(EXTRA_SHAPES_B9) | {'nvapi'}
# An App Configuration connection string's Id sits between the host and
# the Secret (Endpoint=https://<store>.azconfig.io;Id=<id>;Secret=<key>).
NEAR_BY['azure-app-configuration-secret'] = r"[\s\S]{0,64}?"
# The rows do not own their names: a value of another shape under the
# provider's name is left to the generic rule, as before these rows (owning
# them made the generic rule defer to shapes trufflehog's samples do not
# follow: 7 of its tps lost in the first measurement).
MORE_TAIL9 = """
nvidia-api-key|NVIDIA|nvapi-|nvapi|high|ai|https://docs.api.nvidia.com/nim/docs/api-quickstart|n
pagarme-api-key|Pagar.me|pagarme,pagar.me|pagarme|critical|payment|https://docs.pagar.me/reference/autentica%C3%A7%C3%A3o-2|n
ubidots-token|Ubidots|ubidots|ubidots|medium|iot|https://docs.ubidots.com/reference/authentication|n
nightfall-api-key|Nightfall|nightfall|nightfall|high|security|https://docs.nightfall.ai/docs/creating-api-key|n
locationiq-access-token|LocationIQ|locationiq|locationiq|medium|data|https://docs.locationiq.com/docs/authentication|n
gemini-exchange-api-key|Gemini (exchange)|gemini|geminiex|critical|crypto|https://docs.gemini.com/rest-api/#private-api-invocation|n
everhour-api-key|Everhour|everhour|everhour|medium|hr|https://everhour.docs.apiary.io/#introduction/authentication|n
finage-api-key|Finage|finage|finage|medium|finance|https://finage.co.uk/docs/api/|n
azure-app-configuration-secret|Azure App Configuration|azconfig|azconfig|critical|cloud|https://learn.microsoft.com/en-us/azure/azure-app-configuration/concept-enable-rbac|n
sparkpost-api-key|SparkPost|sparkpost|hex40|high|email|https://developers.sparkpost.com/api/#header-authentication|n
freshdesk-api-key|Freshdesk|freshdesk|an20|high|support|https://developers.freshdesk.com/api/#authentication|n
hunter-api-key|Hunter|^hunterio,hunter.io,^hunter_api,^hunter-api,^hunter api,^hunter_key,^hunter key,^hunter_token,^hunter token|hex40|medium|data|https://hunter.io/api-documentation/v2#authentication|n
hellosign-api-key|Dropbox Sign (HelloSign)|hellosign,hello_sign|hex64|high|docs|https://developers.hellosign.com/api/reference/authentication/|n
edamam-app-key|Edamam|edamam|hex32|low|data|https://developer.edamam.com/|n
flightstats-app-key|FlightStats|flightstats|hex32|low|travel|https://developer.flightstats.com/getting-started|n
formsite-api-key|Formsite|formsite|an32|medium|forms|https://support.formsite.com/hc/en-us/articles/360000288594-API|n
guardian-api-key|The Guardian Open Platform|guardianapis,^guardian_api,^guardian-api,^guardian api,^guardian_key,^guardian key|uuid|low|media|https://open-platform.theguardian.com/access/|n
notion-integration-secret|Notion|notion|notionsecret|high|docs|https://developers.notion.com/docs/authorization#internal-integration-auth-flow-set-up|n
transferwise-api-token|Wise (TransferWise)|transferwise|uuid|critical|payment|https://docs.wise.com/api-docs/features/authentication-access/personal-tokens|n
"""
MORE = MORE + MORE_TAIL9
