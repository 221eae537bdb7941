"""Words a password made from is guessed first in Thailand, beside Django's list of 20,000 common
passwords (accounts/validators.py, GuessablePasswordValidator). Lower case, letters only: a
password is compared after its digits and symbols at either end are taken off and look-alike
digits read as letters (``Nakhonphanom2567!`` and ``n4khonph4nom`` are ``nakhonphanom``).

A password of several words (``Sawasdee-Kru-2569``) is not any one of these, and passes."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The 77 provinces, as they are commonly spelled in Latin letters (with the usual variants).
PROVINCES = _words("""
bangkok krungthep krungthepmahanakhon amnatcharoen angthong buengkan buengkarn buriram
chachoengsao chainat chaiyaphum chanthaburi chiangmai chiangrai chonburi chumphon kalasin
kamphaengphet kanchanaburi khonkaen khonkhaen krabi lampang lamphun loei lopburi maehongson
mahasarakham mukdahan nakhonnayok nakhonpathom nakhonphanom nakhonratchasima korat khorat
nakhonsawan nakhonsithammarat nan narathiwat nongbualamphu nongkhai nonthaburi pathumthani
pattani phangnga phatthalung phayao phetchabun phetchaburi phichit phitsanulok
phranakhonsiayutthaya ayutthaya ayuthaya phrae phuket prachinburi prachuapkhirikhan
ranong ratchaburi rayong roiet sakaeo sakonnakhon samutprakan samutsakhon samutsongkhram
saraburi satun singburi sisaket songkhla hatyai sukhothai suphanburi suratthani surin tak
trang trat ubonratchathani ubon udonthani udon uthaithani uttaradit yala yasothon
""")

# Words of everyday Thai and of this portal's world, written in Latin letters.
WORDS = _words("""
thailand thai siam prathetthai sawasdee sawatdee sawaddee sawadee sawasdi sabaidee sabaidi
chokdee chaiyo rakthai khonthai muaythai chang changthai rak teerak tilak thirak rakjang
rakmak rakkan rakna naruk narak suay suai sanuk mailove iloveyou iloveu
kru khru khroo teacher khunkru school rongrian rongrean nakrian student
dlep dla sathor tesaban thesaban tessaban thetsaban obt aobt orbortor obj abt pao
amphoe amphur changwat tambon mueang muang
somchai somsak somsri somporn malee mali suda sombat prasert prayut thaksin
buddha phra wat nibbana lukthung
""")

# The same kind of words typed in Thai script.
THAI_SCRIPT = _words("""
สวัสดี ประเทศไทย คนไทย รักชาติ รักในหลวง ครูไทย คุณครู โรงเรียน ที่รัก รักเธอ รักนะ
กรุงเทพ กรุงเทพมหานคร เชียงใหม่ นครพนม ขอนแก่น โคราช อุดรธานี ภูเก็ต
""")

THAI_WORDS = PROVINCES | WORDS | THAI_SCRIPT
