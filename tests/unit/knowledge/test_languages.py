"""The language of a message written in another language is named for staff (an interpreter)."""

from __future__ import annotations

import pytest

from bot.knowledge.languages import language_name

SAMPLES = [
    ("Dzień dobry, mój syn ma problemy w szkole i potrzebuję pomocy z planem EHC.", "Polish"),
    ("Bună ziua, fiul meu are nevoie de ajutor la școală, nu știu ce să fac.", "Romanian"),
    ("میرے بیٹے کو اسکول میں مدد کی ضرورت ہے، میں کیا کروں؟", "Urdu"),
    ("ਮੇਰੇ ਪੁੱਤਰ ਨੂੰ ਸਕੂਲ ਵਿੱਚ ਮਦਦ ਦੀ ਲੋੜ ਹੈ", "Punjabi"),
    ("Olá, o meu filho precisa de ajuda na escola e a câmara recusou a avaliação.", "Portuguese"),
    ("Hola, necesito ayuda con el colegio de mi hijo, no sé qué hacer.", "Spanish"),
    ("مرحبا، ابني يحتاج إلى مساعدة في المدرسة، ماذا أفعل؟", "Arabic"),
    ("আমার ছেলের স্কুলে সাহায্য দরকার, আমি কী করব?", "Bengali"),
    ("Merhaba, oğlumun okulda yardıma ihtiyacı var, ne yapmalıyım?", "Turkish"),
    ("Bonjour, mon fils a besoin d'aide à l'école, que dois-je faire ?", "French"),
    ("Buongiorno, mio figlio ha bisogno di aiuto a scuola, cosa devo fare?", "Italian"),
    ("Laba diena, mano sūnui reikia pagalbos mokykloje.", "Lithuanian"),
    ("我的儿子在学校需要帮助，我该怎么办？", "Chinese"),
    ("Здравствуйте, моему сыну нужна помощь в школе, что мне делать?", "Russian"),
    ("Добрий день, моєму синові потрібна допомога в школі.", "Ukrainian"),
    ("Guten Tag, mein Sohn braucht Hilfe in der Schule, was soll ich tun?", "German"),
    ("Wiilkayga wuxuu u baahan yahay caawimaad dugsiga, maxaan sameeyaa?", "Somali"),
    ("Γεια σας, ο γιος μου χρειάζεται βοήθεια στο σχολείο.", "Greek"),
    ("Jó napot, a fiamnak segítségre van szüksége az iskolában.", "Hungarian"),
    ("Xin chào, con trai tôi cần giúp đỡ ở trường, tôi phải làm gì?", "Vietnamese"),
    ("Hallo, mijn zoon heeft hulp nodig op school, wat moet ik doen?", "Dutch"),
    ("potrzebuje pomocy", "Polish"),
    ("necesito ayuda por favor", "Spanish"),
    ("My son needs help at school, what should I do?", None),
    ("the council said no to the EHCP assessment", None),
]


@pytest.mark.parametrize("text, language", SAMPLES, ids=[language or "English" for _, language in SAMPLES])
def test_the_language_is_named_for_staff(text, language):
    assert language_name(text) == language


def test_nothing_is_named_for_an_empty_message():
    assert language_name("") is None and language_name("   ") is None
