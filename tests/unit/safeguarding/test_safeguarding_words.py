"""The word-level safety net under the safeguarding intent, and the safety messages."""

import pytest

from bot.safeguarding import looks_like_risk, safeguarding_messages, word_category


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself",
        "i want to kil myself",
        "he keeps hurting himself",
        "self harm",
        "slef harm",
        "selfharm",
        "i feel suicidal",
        "sucide",
        "i wnt to die",
        "my child is not safe at home",
        "she's taken too many tablets",
        "I'm scared to go home",
        "my dad hits me",
        "I keep cuting myself",
        "i dont want to be alive any more",
        "im going to end it all",
        "my son is being abused",
    ],
)
def test_risk_is_caught_even_misspelt(text):
    assert looks_like_risk(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "what is mediation",
        "how do i complain about the school",
        "my son needs help with his social skills",
        "i'm angry with the council",
        "the deadline is killing me softly",
        "can i appeal section f",
        "we are in kent",
    ],
)
def test_ordinary_questions_are_not_flagged(text):
    assert not looks_like_risk(text)


def test_messages_give_999_childline_samaritans_front_door_and_a_person():
    text = " ".join(safeguarding_messages(local_authority="West Sussex", front_door_phone="01403 229900"))
    for fact in (
        "999",
        "Childline",
        "0800 1111",
        "Samaritans",
        "116 123",
        "children's social care",
        "West Sussex",
        "01403 229900",
        "person",
    ):
        assert fact in text


def test_without_a_council_the_front_door_is_described_not_invented():
    text = " ".join(safeguarding_messages())
    assert "your local council" in text and "website" in text


@pytest.mark.parametrize(
    "text, category",
    [
        # Written for these tests, not taken from any tuning or gate set.
        ("she's stopped eating since the move and hardly drinks", "risk_to_life"),
        ("he won't eat or drink anything and he's so thin", "risk_to_life"),
        ("my boy hasn't eaten for days", "risk_to_life"),
        ("the TA took him by the throat in the corridor", "abuse_or_neglect"),
        ("a lunchtime supervisor dragged my son across the playground", "abuse_or_neglect"),
        ("she is hungry every morning when she gets to nursery", "abuse_or_neglect"),
        ("my dad won't give me my meds any more", "abuse_or_neglect"),
        ("mum sells my tablets", "abuse_or_neglect"),
        ("there was poo caked on his legs again", "abuse_or_neglect"),
        ("can the meeting be online, my ex keeps following me from the school", "domestic_abuse"),
        ("I don't want my ex partner to find out where we live", "domestic_abuse"),
        ("he's stalking me since I left", "domestic_abuse"),
        ("my husband won't let me see my own bank account", "domestic_abuse"),
        ("honestly im cracking up, the letter came on the 4th", "carer_breaking_point"),
        ("I'm breaking down every night", "carer_breaking_point"),
        ("I can't carry on like this", "carer_breaking_point"),
        ("i dont think i can keep going", "carer_breaking_point"),
        ("I've reached the end of my rope", "carer_breaking_point"),
        ("I can't manage any of it any more", "carer_breaking_point"),
    ],
)
def test_more_kinds_of_disclosure_are_caught_by_the_words(text, category):

    assert word_category(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "he stopped eating school dinners because the hall is too loud",
        "the review is overdue by three months",
        "they kicked him off the school bus for shouting",
        "the college kicked me off my course",
        "he can't go on the residential because there's no 1:1",
        "the school is grooming him for a move to mainstream",
        "my ex won't let me see the EHC plan, can I ask the council for it?",
        "I'm drowning in paperwork",
        "I'm done with the forms, what's next?",
        "my ex and I both want to go to mediation",
        "I'm losing it with the emails from the caseworker",
    ],
)
def test_near_misses_are_not_flagged_by_the_words(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    ("sometimes i think they'd sleep easier if i disappeared for good", "risk_to_life"),
    ("the kids would be happier without me", "risk_to_life"),
    ("I can't face another day of this", "carer_breaking_point"),
    ("i cant mentally or physically do another day", "carer_breaking_point"),
])
def test_other_words_for_better_off_without_me_and_no_more_days(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "we'd be better off if he moved to the specialist school",
    "things would be easier if she had a 1:1",
    "the old caseworker has gone for good, who do I contact now?",
])
def test_ordinary_wishes_are_not_better_off_without_me(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    ("honestly i won't be here much longer so the review doesn't matter", "risk_to_life"),
    ("im not gonna be around next year anyway", "risk_to_life"),
    ("I've written notes to the children for if I'm not here", "risk_to_life"),
    ("she's been googling how many pills it takes", "risk_to_life"),
    ("can you give me the number for samaritans", "risk_to_life"),
    ("i think i need childline", "risk_to_life"),
    ("they tied him to his chair at lunch so he wouldn't run", "abuse_or_neglect"),
    ("a broken wrist and bruises and the home say he fell again", "abuse_or_neglect"),
    ("I saw a TA slapping a pupil in the corridor", "abuse_or_neglect"),
    ("he twisted my wrist when I said I'd go to mediation", "domestic_abuse"),
    ("my partner shoved me against the wall last night", "domestic_abuse"),
])
def test_indirect_signs_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "I won't be here next week, can the meeting move?",
    "our hands are tied up in red tape with the council",
    "he's been hitting other kids in the playground because he can't read cues",
    "the school pushed me into agreeing the plan",
    "the caseworker was tied up with other cases",
    "his dad isn't alive any more, so I'm the only one with parental responsibility",
    "I researched the tribunal process online",
])
def test_ordinary_words_near_the_signs_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a second blind tuning round showed (written here in other words).
    ("honestly im gonna end it after the exams", "risk_to_life"),
    ("some nights I just want to go to sleep and never wake up", "risk_to_life"),
    ("he's been stockpiling his tablets in his drawer", "risk_to_life"),
    ("where can i get paracetamol in bulk", "risk_to_life"),
    ("everyone would be fine if i wasnt here", "risk_to_life"),
    ("my dad drinks every day and I look after my little brother", "abuse_or_neglect"),
    ("my son has been missing since last night", "abuse_or_neglect"),
    ("she ran away from home again at the weekend", "abuse_or_neglect"),
    ("the kids get left home alone overnight", "abuse_or_neglect"),
    ("he won't let me talk to anyone about the children", "domestic_abuse"),
    ("he doesnt let me talk about the plan with anyone", "domestic_abuse"),
])
def test_more_indirect_kinds_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "I'm going to end it with this school and move him",
    "his report has gone missing from the file",
    "the letter went missing in the post",
    "he gets left on his own at lunch and has no one to play with",
    "his dad drinks coffee all the time, not relevant, sorry",
    "would it be easier if I wasn't at the meeting?",
])
def test_ordinary_neighbours_of_those_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a third blind round showed (2 December 2026), written here in other words.
    ("my lad keeps giving away his games and his bike", "risk_to_life"),
    ("she gave all her art stuff to her sister and said she won't need it", "risk_to_life"),
    ("he told his tutor he's picked a date", "risk_to_life"),
    ("did sh again last night, school dont know", "risk_to_life"),
    ("if they say no again i'll ctb", "risk_to_life"),
    ("she tied a scarf round her neck in the toilets", "risk_to_life"),
    ("the police found her walking along the railway line at midnight", "risk_to_life"),
    ("idk wot ill do 2 myself if this goes on", "risk_to_life"),
    ("he's been hoarding his tablets under the mattress", "risk_to_life"),
    ("i don't think i'll make it through the summer, one of us won't", "risk_to_life"),
    ("the unit took away his lunch as a punishment", "abuse_or_neglect"),
    ("they held him down until he couldn't breathe", "abuse_or_neglect"),
    ("the carers strap her into her chair all afternoon", "abuse_or_neglect"),
    ("my support workers keep my bank card and i never see my money", "abuse_or_neglect"),
    ("the landlord said i could pay the rent another way", "abuse_or_neglect"),
    ("mum hasn't collected his insulin for a fortnight", "abuse_or_neglect"),
    ("he's been in the same filthy clothes for weeks", "abuse_or_neglect"),
    ("the 9 year old is home alone overnight when she works", "abuse_or_neglect"),
    ("there was a red hand print on her leg after respite", "abuse_or_neglect"),
    ("I have a non molestation order against his father", "domestic_abuse"),
    ("we're in a women's refuge now", "domestic_abuse"),
    ("we fled in the night with the boys", "domestic_abuse"),
    ("my partner goes through my phone every night", "domestic_abuse"),
    ("I moved counties to get away from my ex", "domestic_abuse"),
    ("I've packed a bag and I'm leaving them all to it", "carer_breaking_point"),
])
def test_kinds_from_the_third_blind_round_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "we picked a date for the mediation meeting",
    "have you decided how to appeal yet?",
    "I don't think we'll survive another tribunal like that, ha",
    "the school gave his old books away to the library",
    "they cut his lunch club when the TA left",
    "I keep his bank card safe for him, is that allowed for an adult?",
    "can the plan say who picks up his prescriptions?",
    "he likes to stay on his own in his room at night",
    "the council's answer was a dead end",
    "we're refusing the placement they offered",
])
def test_ordinary_neighbours_of_the_third_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a fourth blind round showed (2 December 2026), written here in other words.
    ("honestly she won't be around by christmas, she keeps saying so", "risk_to_life"),
    ("i dont think ill still be here for the review", "risk_to_life"),
    ("he has written a will leaving his lego to his cousin", "risk_to_life"),
    ("she left notes for her nan in case something happens to her", "risk_to_life"),
    ("he sent his mate a picture of a noose", "risk_to_life"),
    ("my daughter keeps standing on the bridge railings after school", "risk_to_life"),
    ("he stands on the balcony rail many times", "risk_to_life"),
    ("sometimes i think about driving into a tree on the way home", "risk_to_life"),
    ("she turns up smelling of wee in the same clothes all week", "abuse_or_neglect"),
    ("the unit are refusing to feed him until he sits down", "abuse_or_neglect"),
    ("she hasn't been taken to any of her hospital appointments since march", "abuse_or_neglect"),
    ("they took away her communication device as a punishment", "abuse_or_neglect"),
    ("a coach has been messaging him on snapchat and buying him presents", "abuse_or_neglect"),
    ("my stepdad sets the dog on us when he's drunk", "domestic_abuse"),
    ("i'm not allowed to leave the house without him", "domestic_abuse"),
    ("I wear long sleeves to cover the bruises", "domestic_abuse"),
    ("they are going to marry her off when she turns 16", "domestic_abuse"),
    ("don't know how much longer I can keep going", "carer_breaking_point"),
])
def test_kinds_from_the_fourth_blind_round_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "will the tribunal be over by christmas?",
    "we made a will last year, does that affect his trust fund?",
    "they took his wheelchair away for repair and never brought it back",
    "the school refused to let him have lunch in the library",
    "i'm not allowed to go into the classroom at drop off",
    "at the end of my rope with this paperwork lol",
    "he likes standing on the bridge to watch the trains with his dad",
    "how much longer will the council take to decide?",
])
def test_ordinary_neighbours_of_the_fourth_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a fifth blind round showed (2 December 2026), written here in other words.
    ("he's written goodbye letters to all of us", "risk_to_life"),
    ("she bangs her head on the door until she sees stars", "risk_to_life"),
    ("I fantasise about crashing the car on the way to the meeting", "risk_to_life"),
    ("security talked him down from the roof at college", "risk_to_life"),
    ("everyone would have an easier time if i wasnt in it", "risk_to_life"),
    ("she came in with a red line round her neck", "risk_to_life"),
    ("he keeps talking about not existing any more", "risk_to_life"),
    ("he was looking up how high the car park is", "risk_to_life"),
    ("her dad said he'd end it for both of us", "risk_to_life"),
    ("the x-ray showed a spiral fracture in his arm", "abuse_or_neglect"),
    ("every time I ask, the story changes about how he got the bruise", "abuse_or_neglect"),
])
def test_kinds_from_the_fifth_blind_round_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "how tall is the eiffel tower",
    "he bangs his head on the table when he's frustrated, is that sensory?",
    "I fantasise about a holiday when this is over",
    "his story about school changes depending on who asks, is that normal for autism?",
    "the support worker talked him down from a meltdown in the car park",
    "the council keeps writing letters to everyone except me",
])
def test_ordinary_neighbours_of_the_fifth_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a sixth blind round showed (2 December 2026), written here in other words.
    ("she's already written her goodbye note", "risk_to_life"),
    ("what happens to the appeal if the young person is dead, asking for myself", "risk_to_life"),
    ("the baby's weight has fallen off the centiles and they keep missing clinic", "abuse_or_neglect"),
    ("he isn't being fed properly at his dad's", "abuse_or_neglect"),
    ("the little one sleeps on the floor, there's no mattress", "abuse_or_neglect"),
    ("my ex found out which school the kids go to", "domestic_abuse"),
    ("he tells me who I can talk to and checks my bank app", "domestic_abuse"),
    ("I'm at the end of the road and I cannot do another day", "carer_breaking_point"),
    ("i'm going under and can't hold it together", "carer_breaking_point"),
    ("please take her for a night before I hurt her", "carer_breaking_point"),
])
def test_kinds_from_the_sixth_blind_round_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "I've written a note to the school about his hours",
    "we're at the end of the road with the council, what next?",
    "is the old complaint dead or can we reopen it?",
    "he takes a while to settle on a new mattress",
])
def test_ordinary_neighbours_of_the_sixth_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds a seventh blind round showed (2 December 2026), written here in other words.
    ("you can close my case, i won't need it after this weekend", "risk_to_life"),
    ("honestly dont think ill last till the hearing", "risk_to_life"),
    ("he was drinking bleach in the bathroom", "risk_to_life"),
    ("left my note on the kitchen table", "risk_to_life"),
    ("she came back from respite with pressure sores", "abuse_or_neglect"),
    ("his mum keeps him off school to look after the baby", "abuse_or_neglect"),
])
def test_kinds_from_the_seventh_blind_round_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "I left my note for the school in his bag",
    "we won't need transport after this week, he's moving schools",
    "I don't think the appeal will last that long",
])
def test_ordinary_neighbours_of_the_seventh_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)


@pytest.mark.parametrize("text, category", [
    # Kinds blind rounds 8 and 9 showed (2 December 2026), written here in other words.
    ("Sorted everything. Wrote letters to everybody last night", "risk_to_life"),
    ("some days I think about just wading into the river", "risk_to_life"),
    ("i keep being tempted to walk out into the sea", "risk_to_life"),
])
def test_kinds_from_the_eighth_and_ninth_blind_rounds_are_caught_by_the_words(text, category):
    assert word_category(text) == category


@pytest.mark.parametrize("text", [
    "He smears poo on the walls at home when he's overwhelmed; is that in section B?",
    "We wrote letters to everyone on the panel before the meeting",
    "I've written letters to everyone involved and nobody replies",
    "his favourite thing is walking into the sea at the beach in summer",
])
def test_ordinary_neighbours_of_the_eighth_and_ninth_round_kinds_are_not_flagged(text):
    assert not looks_like_risk(text)
