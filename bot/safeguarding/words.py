"""The word-level half of the safeguarding detector: patterns by category, misspellings allowed.

Either half may raise the alarm (bot/safeguarding/__init__.py). The patterns are written to
be precise ("abusing the process" or "neglected to send" are not disclosures); breadth comes
from the classifier on sentence vectors. Categories: send-routes.md "Safeguarding".
"""

from __future__ import annotations

import difflib
import re
from typing import Dict, List, Optional, Pattern

RISK_TO_LIFE = "risk_to_life"
ABUSE_OR_NEGLECT = "abuse_or_neglect"
DOMESTIC_ABUSE = "domestic_abuse"
CARER_BREAKING_POINT = "carer_breaking_point"
CATEGORIES = (RISK_TO_LIFE, ABUSE_OR_NEGLECT, DOMESTIC_ABUSE, CARER_BREAKING_POINT)

# Words the fuzzy match may correct to ("kil" -> "kill", "sucide" -> "suicide").
_RISK_WORDS = (
    "kill",
    "killing",
    "suicide",
    "suicidal",
    "harm",
    "harming",
    "hurt",
    "hurting",
    "cutting",
    "overdose",
    "abuse",
    "abused",
    "abusing",
    "danger",
    "want",
    "die",
    "dying",
    "hang",
    "myself",
    "himself",
    "herself",
    "themselves",
    "neglected",
    "groomed",
    "dead",
)
# Common slips difflib would not reach safely.
_KNOWN_SLIPS = {
    "slef": "self",
    "selfharm": "self harm",
    "wanna": "want to",
    "kms": "kill myself",
    "dnt": "don't",
    "wnt": "want",
    "cnt": "can't",
    "cant": "can't",
    "dont": "don't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "wont": "won't",
    "im": "i'm",
    "b": "be",
    "unalive": "kill",
    "myslef": "myself",
    "killmyself": "kill myself",
    # "ctb" (catch the bus) and "sh" are young people's words for suicide and self-harm.
    "ctb": "kill myself",
    "sh": "self harm",
    "wot": "what",
    "cannot": "can't",
}

# Real words that are one letter from a risk word: never "corrected".
_NOT_SLIPS = {
    "overdue",
    "dyeing",
    "hanger",
    "hung",
    "diet",
    "died",
    "wanted",
    "danged",
    "harp",
    "hurl",
    "cutting",
    "dad",
    "deal",
    "wasn't",
    "weren't",
    "hoarding",
}

_SELF = r"(my ?self|him ?self|her ?self|them ?selves|themself|your ?self)"
# "she hit her head" is an accident, not an assault: no body part may follow the pronoun.
_CHILD = (
    r"(me|us|him|her|them|my (son|daughter|child|kids|children|boy|girl|grandson|granddaughter)|the (kids|children|boy|girl))"
    r"(?! (head|arm|arms|leg|legs|knee|knees|face|hand|hands|foot|feet|wrist|elbow|back|nose|shin|ankle|tooth|teeth)\b)"
    # "kicked me off my course", "kicked her out of after school club": exclusion, not assault.
    r"(?! (off|out of (school|college|club|after|the|class|my|his|her|their|lessons?))\b)"
)
_THINGS = (
    r"(things|stuff|possessions|belongings|games|toys|bike|clothes|xbox|switch|playstation|ps\d?|console|"
    r"phone|art stuff|books|teddy|teddies|pets?|savings)"
)
_ADULT = r"(my (partner|husband|wife|boyfriend|girlfriend|ex|ex partner|ex husband|ex wife)|he|she|his dad|her dad|their dad|his mum|her mum)"

# Taking too much of a medicine or swallowing something harmful (read on normalised text:
# digits are gone, so "swallowed 30 paracetamol" reads "swallowed paracetamol").
_DRUGS = (
    r"(paracetamol|ibuprofen|aspirin|tablets|pills|meds|medication|medicine|painkillers|pain killers|"
    r"sleeping pills|sleeping tablets|antidepressants|anti depressants|co codamol|codeine|insulin|bleach)"
)
_AMOUNT = (
    r"(a whole|the whole|whole|all|all of|all the|loads of|lots of|a load of|a lot of|a handful of|handful of|"
    r"a packet of|a box of|a bottle of|two packets of|packets of|boxes of|too many|some of|most of|"
    r"half a packet of|half a box of|half a bottle of|half)"
)
OVERDOSE_PATTERNS = (
    r"\boverdos",
    r"\bod'?d\b",
    rf"\b(too many|a lot of|a load of) {_DRUGS}",
    rf"\b(took|taken|taking|swallowed|swallowing|necked|downed|had|ate|eaten)\b( just| all| some)? {_AMOUNT}( (my|his|her|their|the))?( [\w']+)?( [\w']+)? {_DRUGS}\b",
    rf"\b(swallowed|necked|downed) {_DRUGS}\b",
)

PATTERNS: Dict[str, List[Pattern[str]]] = {
    RISK_TO_LIFE: [
        re.compile(p)
        for p in (
            rf"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging|starve|starving|burn|burning) {_SELF}"
            r"(?! laughing)",
            r"\bself ?harm",
            r"\bsuicid",
            r"\b(want|wants|wanted|going|gonna) to die\b",
            r"\bwish (i|he|she) (was|were) dead\b",
            r"\b(rather|sooner) be dead\b",
            r"\bbetter off dead\b",
            r"\b(better off|be better) without (me|him|her|them)\b",
            r"\b(end|ending|take|taking) (it all|my life|his life|her life|their life|(my|his|her|their) own life)",
            r"\bending it\b",
            *OVERDOSE_PATTERNS,
            r"\b(want|wanted|need) (it all|everything|the pain|it) to (stop|end)\b(?! (before|after|when|by|at|so))",
            r"\b(don't|do not|doesn't|does not|didn't) want to (be alive|live|be here|exist|wake up)",
            r"\bno point (going on|living|in living|being alive)",
            r"\bnot (want|wanting) to be alive",
            r"\b(jump|jumped|jumping) (off|in front)",
            r"\bin front of a (train|car|bus|lorry)",
            # Indirect: not being around, letters for after, looking up how, asking for a crisis line.
            r"\b(not going to|not gonna) be (around|here|alive) (next|by|for long|much longer|any ?more)",
            r"\b(won't|wont) be (around|here|alive) (for long|much longer|any ?more)",
            r"\b(letters?|notes?|goodbyes?)\b.{0,40}\bif i'?m not (here|around)\b",
            r"\b(research|researching|researched|looking up|looked up|googl\w*|searching|searched)\b.{0,40}"
            r"\b(fatal|lethal|how to die|ways to die|how to kill|overdose|how many (tablets|pills))",
            r"\b(number|numbers) for (the )?(samaritans|childline)\b",
            r"\b(need|needs|needed) (the |to call |to ring |to phone )?(samaritans|childline)\b",
            r"\b(going to|gonna|gunna|i'll|i will) end it\b(?! (with|for|there|here|at|on|by))",
            r"\b(sleep|go to sleep|fall asleep) and (not|never) wake up\b",
            r"\b(stockpil\w*|saving up|hoarding|collecting) (my |his |her |their )?(tablets|pills|meds|medication|paracetamol)",
            r"\b(paracetamol|pills|tablets|painkillers) in bulk\b",
            r"\b(easier|better|fine|happier)( life| lives| time)? if (i|we|we both|he|she|they) (wasn't|weren't|wasnt|werent|was not|were not) "
            r"(here|around|alive|in it|in the picture|in (their|your|our) lives)",
            # "my family would breathe easier if I vanished": better off without me, in other words.
            r"\b(i|he|she)('d| would| could)? (just )?(vanish|vanished|disappear|disappeared|went away) for good\b",
            r"\b(would|'d) (be|breathe|sleep|live|manage) (easier|better|happier|freer) (if|without) (i|me|he|him|she|her)\b"
            r"(?! (went|moved|stopped|changed|left the|had|got))",
            # "he's stopped eating" (send-routes.md's own example), not "stopped eating school dinners".
            r"\bstopped (eating|drinking)\b(?! (at|in|his|her|their|school|lunch|packed|the|certain|meat|anything but))",
            r"\b(not|isn't|hasn't been|won't|refus(es|ing)( to)?) (eat|eating) (or|and|nor) (drink|drinking)",
            r"\b(hasn't|has not|haven't|hadn't|not) (eaten|drunk|had anything to eat) (in|for) (days|a week|\d+ days)",
            # Giving possessions away, a date or a way chosen, a ligature, the railway line.
            rf"\b(giving|gave|given|gives|give) (away )?(all |most of )?(his|her|their|my) {_THINGS}\b.{{0,60}}\baway\b",
            rf"\b(giving|gave|given|gives|give) away (all |most of )?(his|her|their|my) {_THINGS}\b",
            r"\b(giving|gave|given|gives|give)\b.{0,60}\b(won't|will not|not going to|isn't going to|wont) "
            r"need (it|them|those|that|any of it)\b",
            r"\b(he|she|they|i)('s|'ve| has| have)? (picked|chosen|set) a date\b(?! (for|to|with|when))",
            r"\b(will|'ll|would) be my end date\b|\bmy end date\b",
            r"\b(already|has|have|'s|'ve) decided how\b(?! (to|we|i|much|many|long|the|best))",
            r"\b(belt|rope|cord|ligature|scarf|lead|cable|tie)\b.{0,30}\b(round|around) (his|her|their|my) (own )?neck\b",
            r"\bligatures?\b",
            r"\brope in (his|her|their|my) (wardrobe|room|bag|drawer)",
            r"\b(on|onto|near|by|along) the (train|railway|rail) (tracks?|lines?)\b",
            r"\b(still )?(alive|be alive|be here|be around) (next|by next|this time next) (year|summer|christmas|birthday)",
            # Not being here by a date; a will or letters "in case"; a noose; a ledge; a crash on purpose.
            r"\b(won't|wont|will not|not|never) be (around|here|alive) (by|for|at|when|on|in) (the )?(september|christmas|summer|"
            r"then|next|hearing|tribunal|review|end|my birthday|his birthday|her birthday|results day|new year)",
            r"\b(don't|do not|dont) think (i'?ll|ill|(i|he|she)('ll| will| would|'d)) (be|still be) (here|around|alive)\b",
            r"\b(he|she|they|son|daughter|child|boy|girl)('s| has| had| have)?( been| just)? (wrote|written|writing|made|making) "
            r"(a|his|her|their) will\b|\b(letter|note) like a will\b",
            r"\bwho (gets|should get|can have|should have) (his|her|their|my) (xbox|things|stuff|games|phone|pets?|cat|dog|"
            r"console|bike|savings)\b",
            r"\b(letters?|notes?)\b.{0,40}\bin case (something|anything) (happens|happened) to (me|him|her|them)\b",
            # Letters for everyone; a mark round the neck; talked back from the edge; not existing.
            r"\b(i'?ve|ive|i have|he'?s|she'?s|he has|she has|they'?ve|they have|has|had)( been| just| already)? "
            r"(written|writing|wrote) (goodbye )?(letters|notes) (to|for) (everyone|all of (us|you|them)|each of (us|you|them)|"
            r"my family|the family|everybody)\b(?! (on|at|in|from|about|involved|who|that|asking|explaining|there|with))",
            r"\b(mark|marks|bruise|bruises|bruising|line|red line) (right )?(round|around) (his|her|their|my) neck\b",
            r"\btalk(ed|s|ing)? (me|him|her|them) (back |down )?(from|off) the (edge|roof|ledge|bridge|railings?)\b",
            r"\b(by|about|of|on) not (existing|being alive|being here|being around)\b",
            r"\b(how high|how tall|how far down) ((is|are) )?(the|that|our)\b.{0,20}\b(multi ?storey|bridge|car park|cliff)\b",
            r"\bfantasi[sz](e|es|ing)? about\b.{0,60}\b(not waking|dying|dead|lorr(y|ies)|bus|train|crash|disappear|"
            r"never coming back|taking me out|ending)",
            r"\b(till|until) (i|he|she|they) (see|sees) stars\b|\b(till|until) (it|they|i|he|she) (bleed|bleeds)\b",
            r"\bend it for (both of us|the (two|both) of us|us both|all of us)\b",
            r"\b(i'?ve|ive|i have|he'?s|she'?s|he has|she has|has)( already| just)? (written|wrote|writing|left) "
            r"(my|his|her|their|a suicide|a goodbye|a last) (suicide |goodbye |last )?note\b(?! (to|for) (the )?(school|teacher|council))",
            r"\bdead\b.{0,40}\basking for (me|myself)\b",
            r"\b(wrote|written|writing|left) my (suicide |goodbye |last )?note\b(?! (to|for) (the )?(school|teacher|council|gp))",
            r"\b(won't|wont|will not) (need|be needing) (it|this|them|my account|anything) (after|from|past|by) (this|next|the) "
            r"(weekend|week|friday|monday|tuesday|wednesday|thursday|saturday|sunday)\b",
            r"\b(don't|do not|dont) think (i'?ll|ill|i will|he'?ll|she'?ll|he will|she will) last (that long|much longer|"
            r"till|until|the (week|month|year|summer))",
            r"\b(drinking|drank|drunk|swallowed|swallowing|ate|eating|eaten) (some |the )?(bleach|washing liquid|antifreeze|"
            r"detergent|washing tablets|dishwasher tablets)\b",
            r"\bnoose\b|\b(photo|picture|pic|snap) of (a |some )?(rope|noose|blade|razor|pills|tablets)\b",
            r"\b(stand|stands|standing|stood|sits|sitting|sat|climbs?|climbing|climbed|leaning|leans) (on|over) the "
            r"(balcony (rail|railings?|edge)|roof edge|ledge|railings?|bridge (railings?|rail|parapet|edge)|"
            r"edge of the (roof|bridge|platform|cliff))\b",
            r"\b(swerve|drive|driving|drove|crash|crashing|steer|steering) (the car |my car )?into (a|the|an) "
            r"(wall|tree|lorry|bridge|oncoming|motorway|river|sea)\b",
            r"\bwhat (i|i'?d|i would|to) (write|say|put) in (a|the|my) (suicide )?(note|last letter)\b",
            # Letters to everyone, with no one named as writing them; walking into the sea, thought of.
            r"\b(written|wrote) (goodbye |my )?(letters|notes) (to|for) (everyone|everybody|each of (us|you|them)|"
            r"my family|the family)\b(?! (on|at|in|from|about|involved|who|that|we|i|asking|explaining|to|for|the|there|"
            r"and|with|at))",
            r"\b(consider\w*|thought about|thinking about|think about|tempted to|want(ed)? to|wanna|going to|gonna|"
            r"could just|might just|fantasi[sz]e about|dream about) (just )?(walk|walking|swim|swimming|wade|wading) "
            r"(out )?(into|in) the (sea|river|lake|canal|reservoir)\b",
            rf"\bwhat (i'?ll|ill|i'?d|(i|he|she|they)( will| might| would| could|'ll|'d)) do (to )?{_SELF}",
            r"\b(don't|do not|not) think (i|he|she|we|one of us)('ll| will| would|'d| can| could)? "
            r"(survive|make it through|last)\b(?! (the|this|another|a|an|until|till|without) "
            r"(appeal|tribunal|meeting|process|paperwork|review|hearing|wait|week|term|day))",
        )
    ],
    ABUSE_OR_NEGLECT: [
        re.compile(p)
        for p in (
            rf"\b(hits|hit|beats|beat|punches|punched|kicks|kicked|slaps|slapped|burns|burned|chokes|choked|strangled) {_CHILD}\b",
            rf"\b(touched|touches|touching) {_CHILD}\b",
            r"\b(sexually|physically|emotionally) (abused|abusing|assaulted)\b",
            r"\b(is|was|being|been|were|are) (abused|neglected|groomed)\b",
            r"\b(child|sexual|physical|emotional) abuse\b",
            r"\bgroom(ed|ing) (him|her|them|my|online)\b(?!.{0,25}\bfor\b)",
            r"\block(s|ed|ing)? (him|her|them|me) (in|up|out)\b",
            r"\b(without|no) (food|meals|eating) for\b",
            r"\b(doesn't|don't|won't|never) (feed|fed)\b",
            r"\bnot (safe|being fed)\b( at home| with)?",
            r"\b(scared|afraid|frightened|terrified) (to go|of going) home",
            r"\bleft (him|her|them) (alone|on (his|her|their) own) for (days|hours|the weekend)",
            r"\b(bruises|bruising|marks|burns) (on|all over) (him|her|his|her|their)\b",
            r"\b(grabbed|grabs|grabbing|held|holds|pinned|pins|took|takes) (him|her|them|me|my \w+) (round|around|by) the (throat|neck)\b",
            r"\b(dragged|drags|shoved|shoves|threw|throws) (him|her|them|me|my son|my daughter|my child) "
            r"(across|along|down|into|against|to the|on the)",
            r"\b(hungry|starving) (every day|all the time|every morning|when (he|she|they) (arrive|arrives|come|comes))",
            r"\b(doesn't|don't|won't|never|stopped|refuses to) (give|giving|gives) (me|him|her|them) "
            r"(my|his|her|their|any) (medication|meds|medicine|tablets|food|dinner|meals)",
            r"\bsells? (my|his|her|their) (medication|meds|medicine|tablets)",
            # Living in dirt; not a child smearing, which is a sensory or behaviour need.
            r"(?<!smeared )(?<!smears )(?<!smearing )(?<!smear )\b(faeces|poo|poop|urine|wee) (on|all over|caked)",
            r"\b(mum|mom|dad|mother|father|parents?|stepdad|stepmum)('s)? (drinks|is drunk|gets drunk|is always drunk|uses drugs|"
            r"takes drugs|is on drugs)( alcohol| heavily| a lot)? (every day|every night|all the time|too much|most days)",
            # A child missing from home.
            r"\b(he|she|they|my (son|daughter|child|boy|girl)|son|daughter)( has| had|'s| is| was)? (been |gone |went )?"
            r"missing (since|for|overnight|all night|again|from home)",
            r"\b(ran|run|running) away from home\b",
            r"\b(is|are|were|was|being|get|gets|got) left (alone|on (his|her|their) own|home alone) "
            r"(overnight|all night|at night|for days|for hours|all day|all weekend)",
            r"\btied (him |her |them |my son |my daughter |the child |a child )?to (a|the|his|her|their) "
            r"(chair|bed|radiator|table|door|cot|pushchair)",
            r"\b(he|she|they|child|boy|girl) (was|were|is|are|being|been) tied (up|down)\b",
            # Injuries explained away: "three black eyes this term, and each time they say he fell".
            r"\b(black eyes?|broken (finger|arm|wrist|nose|ribs?|leg)s?|fractures?|cigarette burns|bite marks)\b.{0,80}"
            r"\b(say|says|said|claim|claims|claimed) (that )?(he|she|they) (fell|tripped|walked into|slipped|did it)",
            # A member of staff seen hurting a child.
            r"\b(teacher|ta|teaching assistant|staff|colleague|carer|support worker|lsa|escort|driver|coach|tutor)\b"
            r".{0,40}\b(hitting|slapping|slapped|kicking|shaking|shook|pinching|pinched|grabbing|grabbed)\b.{0,25}"
            r"\b(pupil|child|student|him|her|kids|children|boy|girl)\b",
            # Food withheld as a punishment; restraint that stopped a child breathing; strapped in.
            r"\b(withh[oe]ld|withholds|withholding|withhold|took away|takes away|taking away) (his|her|their|the child's|my) "
            r"(dinner|lunch|food|meals?|breakfast|tea|water|drinks?)\b",
            r"\b(doesn't|don't|didn't|never|often doesn't|often don't) (get|gets|got) (his|her|their|any|my) "
            r"(lunch|dinner|food|meals?|breakfast)\b(?! (money|until|till|in time|on time|before|after|from|if))",
            r"\b(held|holds|pinned|restrain\w*|sat on|lay on|lie on|knelt on|kneeling on)\b.{0,50}"
            r"\b(couldn't|could not|can't|cannot|couldnt|cant) breathe\b",
            r"\brestrain\w*\b.{0,30}\b(face down|prone)\b",
            r"\bstrap(s|ped|ping)? (him|her|them|me|my \w+) (in|into|to|down)\b",
            # Staff calling a disabled child names.
            r"\b(staff|teacher|ta|carer|escort|driver|support worker|member of staff)\b.{0,60}\b(calling|called|calls|call) "
            r"(him|her|them|me|my \w+|the (kids|children)) (a |an )?(retard|retarded|spastic|spaz|freak|animal|mong)\b",
            # Money taken from a young person; sex asked for in place of money.
            r"\b(keep|keeps|kept|take|takes|took|taking|have|has|had) (all )?(my|his|her|their) "
            r"(bank cards?|pip|benefits|wages|money|universal credit)\b(?! (safe|for safe|in|to pay))",
            r"\bpay (the rent|it|for it|what i owe|the debt|him back|them back)( in)? (a different|another|some other|other) way\b",
            r"\b(pay|paid|pays)\b.{0,30}\bwith (sex|sexual favours|favours)\b",
            # Neglect: feeds or medicines not collected; a child unkempt for weeks; left alone overnight.
            r"\b(hasn't|haven't|hadn't|not|never|didn't) (collected|picked up|given|bought|ordered) (his|her|their) "
            r"(feeds?|medication|meds|medicine|prescriptions?|insulin|inhaler|supplies)",
            r"\b(unkempt|filthy|unwashed|smelly|soiled|dirty)\b.{0,40}\bfor (weeks|months|days|ages)\b",
            r"\b(on (his|her|their) own|home alone|by (him|her|them)sel(f|ves)) (overnight|all night|at night|every night)\b",
            r"\b(red |a )?(hand ?prints?|finger ?marks|fingertip (bruises|marks)|hand marks?)\b",
            # Injuries the story of which keeps changing; the fractures that are rarely accidents.
            r"\bspiral fractures?\b|\b(story|explanation|account)s? (changes|keeps changing|changed|change each time|"
            r"don't match|doesn't match|never matches)\b",
            r"\bpressure sores?\b|\bkeeps? (him|her|them) off school to (mind|look after|care for|babysit)\b",
            r"\b(not|isn't|aren't|wasn't) (been |being )?(fed|feeding (him|her|them)) properly\b|\b(no|without a|hasn't got a|doesn't have a) mattress\b",
            r"\b(weight|weights) (has |have |had )?(dropped|fallen) off (the )?(chart|centiles?)\b",
            r"\bsame clothes (all|every|for (a|the)|for) (week|days|weeks)\b|\bsmell(s|ing)? of (urine|wee|poo)\b",
            r"\b(refus\w*|won't|will not|stopped|not) (to )?(feed|feeding) (him|her|them)\b",
            r"\b(hasn't|has not|haven't|not|never) been (taken|brought) to (any of )?(his|her|their) "
            r"(hospital |medical |clinic |dental |doctor'?s? )?appointments\b",
            r"\b(take|takes|taking|taken|took) (away )?(his|her|their|my) (wheelchair|walking frame|walker|hearing aids?|"
            r"communication (aid|device|book)|aac device)\b(?!( away)? (for|to be) (repair|fixed|mended|a service|servicing))",
            # An adult in a child's life giving gifts, adding them online, meeting them alone.
            r"\b(adding|added|messaging|messaged|snapchatting|dm'?ing|following)\b.{0,60}\b(gifts|presents|met up|meet up|"
            r"meeting up|meets up)\b",
        )
    ],
    DOMESTIC_ABUSE: [
        re.compile(p)
        for p in (
            rf"\b{_ADULT} (hits|hit|beats|beat|punches|punched|kicks|kicked|strangles|strangled|chokes|choked|threatens|threatened|attacks|attacked) (me|us)\b",
            r"\bdomestic (abuse|violence)\b",
            r"\b(scared|afraid|frightened|terrified) of my (partner|husband|wife|boyfriend|girlfriend|ex)\b",
            r"\bcoercive control",
            r"\b(won't|doesn't|will not) let me (leave|go out|see (my|any) (own )?(friends|family|mum|mother|dad|parents|sister|brother|bank|money|phone)|"
            r"have money|have any money)",
            r"\bthreaten(s|ed|ing)? to (kill|hurt|take the kids|take the children)",
            # Hiding from a violent ex: being followed, "somewhere he won't find me".
            r"\b(ex|ex partner|ex husband|ex wife|husband|partner|boyfriend)\b.{0,60}\b(violen(t|ce)|following me|"
            r"follows me|stalk(s|ed|ing)? me|find me|finds me|find out where (we|i) live)",
            r"\b(following|stalking|watching) me (from|outside|at|home|everywhere)",
            r"\b(stalking|stalks|stalked) me\b",
            r"\btwist(ed|s|ing) my (arm|wrist|fingers?)\b",
            r"\b(doesn't|does not|won't|will not|never) let me (talk|speak) (to|with|about( \w+){1,3} (with|to)) "
            r"(anyone|anybody|my (friends|family|mum|sister|brother))",
            r"\b(pushed|shoved|slammed|threw) me (against|into|across|onto|on to) (a|the) (wall|door|floor|table|stairs|bed)",
            # Court orders against a partner, a refuge, fleeing, a partner who checks the phone.
            r"\bnon ?mol(estation)?( order)?\b|\brestraining order\b|\boccupation order\b",
            r"\b(women'?s )?refuge\b",
            r"\b(fled|fleeing|escaped from|escaping from)\b",
            r"\b(get|got|getting|run|ran|running) away from (my|her|his|their|the kids'?|the children'?s) "
            r"(husband|partner|ex|dad|father|stepdad|boyfriend|wife|girlfriend)\b",
            r"\b(checks|reads|goes through|monitors|tracks|listens to) (all )?my (phone|calls|messages|texts|emails|location)\b",
            r"\bsets? (his|her|their|the) dogs? on\b",
            r"\b(ex|ex partner|ex husband|ex wife|abuser)\b.{0,60}\b(knows|found out|finds out|find out) "
            r"(where|which school|which house|our address)\b",
            r"\btells me (what i'?m allowed|what to wear|who i can (talk|speak) to|who i can see)\b",
            r"\b(i'?m|i am) not allowed to (go (out|anywhere|to meetings)|leave the house|see my (friends|family|mum|sister|"
            r"brother)|have (my own )?(money|a phone|a bank)|argue|speak to anyone|talk to anyone)\b",
            r"\b(marks|bruises) to (cover|hide)\b|\bcover (up )?(the )?(marks|bruises)\b",
            r"\bforced (to )?marr(y|iage)\b|\bmarr(y|ied|ying) (her|him|them) off\b|"
            r"\b(will|'ll|going to|gonna) be married (back home|abroad|off|in the summer)\b",
        )
    ],
    CARER_BREAKING_POINT: [
        re.compile(p)
        for p in (
            r"\bcan'?t go on\b(?! (the|a|an|his|her|their|school|trips?|holiday|residential|to)\b)",
            r"\bcan'?t (cope|do this|take (it|this)) any ?more\b",
            r"\b(at|reached) (my )?breaking point\b",
            r"\b(scared|afraid|frightened) of what i (might|will|could) do\b",
            r"\bwalk(ing)? out and (never|not) (come|coming) back\b",
            r"\bi'?m (falling apart|not coping|at the end of my rope)\b"
            r"(?! with (the |all the )?(admin|paperwork|emails|forms|letters|calls|deadlines|process)\b)",
            r"\bi'?m (cracking up|breaking down|losing it|drowning|at my lowest|on the edge)\b"
            r"(?! (with|on|in|about|over|paperwork|emails|for|at))",
            r"\b(reached|at) the end of my rope\b"
            r"(?! with (the |all the |this |these )?(admin|paperwork|emails|forms|letters|calls|deadlines|process|council)\b)",
            r"\bcan'?t ((physically|emotionally|mentally) )?((or|and) (physically|emotionally|mentally) )?"
            r"(face|do|take|survive|get through) another day\b",
            r"\bcan'?t (carry on|go on|keep going|keep on) like this\b",
            r"\b(don't|do not) think i can (carry on|go on|keep going|do this|cope)\b",
            r"\bcan'?t (manage|cope with|handle) (any of it|anything|it all)( any ?more)?\b",
            r"\b(i'?ve|i have) packed (a|my) bag\b",
            r"\bi'?m at the end of the road\b(?! with)|\bi'?m going under\b|\bcan'?t hold (it|myself|things) together\b",
            r"\bbefore i (hurt|harm|do something to|lose it with|snap at) (him|her|them|my \w+)\b",
            r"\bhow (much )?longer (i|we) can (go on|carry on|keep going|cope|do this|take this|take it)\b",
        )
    ],
}


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = []
    for word in text.split():
        word = _KNOWN_SLIPS.get(word, word)
        if " " not in word and len(word) >= 3 and word not in _RISK_WORDS and word not in _NOT_SLIPS:
            # Only correct towards a risk word with the same first letter, so that
            # "skill" never becomes "kill" and "anger" never becomes "danger".
            candidates = [w for w in _RISK_WORDS if w[0] == word[0]]
            match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
            if match:
                word = match[0]
        words.append(word)
    return " ".join(words)


def word_category(text: Optional[str]) -> Optional[str]:
    """The first category whose patterns match ``text`` (risk to life first), or None."""
    if not text:
        return None
    normalised = _normalise(text)
    # Domestic abuse before abuse or neglect: "my partner hits me" names an adult at home.
    for category in (RISK_TO_LIFE, DOMESTIC_ABUSE, ABUSE_OR_NEGLECT, CARER_BREAKING_POINT):
        if any(pattern.search(normalised) for pattern in PATTERNS[category]):
            return category
    return None


_OVERDOSE = [re.compile(p) for p in OVERDOSE_PATTERNS]


def mentions_overdose(text: Optional[str]) -> bool:
    """True when the message says someone has taken an overdose or swallowed something harmful."""
    normalised = _normalise(text or "")
    return any(pattern.search(normalised) for pattern in _OVERDOSE)


def looks_like_risk(text: Optional[str]) -> bool:
    """True if the words suggest any safeguarding category (misspellings allowed)."""
    return word_category(text) is not None
