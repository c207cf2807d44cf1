"""The word lists of the package, in one place: reporting verbs, titles and roles, stop words, negations."""

from __future__ import annotations

import re

REPORTING_VERBS = (
    "said says say told tells tell added adds stated states claimed claims noted notes mentioned "
    "highlighted emphasised emphasized stressed admitted insisted warned argued explained declared "
    "announced confirmed urged described praised commended suggested believes believed underscored "
    "clarified indicated wrote writes reported acknowledged asserted maintained vowed hailed denied "
    "rejected predicted recalled replied responded blamed accused promised describing saying adding hailing "
    "reiterated reiterates pledged pledges signaled signalled signals cautioned cautions conceded concedes "
    "criticized criticised arguing warning noting stressing insisting suggesting stating explaining "
    "acknowledging cautioning emphasising emphasizing underscoring highlighting predicting"
).split()
# Reporting phrases of more than one word ("Included in that pain is higher unemployment, he made clear").
REPORTING_PHRASES = (r"made\s+(?:it\s+)?clear", r"makes\s+(?:it\s+)?clear")
REPORTING_RE = r"(?:" + "|".join(REPORTING_PHRASES + tuple(REPORTING_VERBS)) + r")"
REPORTING = re.compile(r"\b" + REPORTING_RE + r"\b", re.IGNORECASE)
# Verbs that attribute a figure or a stance to their subject though they are not speech verbs ("the
# Statistics Office counted 1.2 million passengers", "Eriksen puts the rise at 60 percent", "Brandt called
# it spin"); kept out of REPORTING, which the check-worthiness model reads as a feature.
SOURCING = re.compile(
    r"\b(?:puts?|estimat(?:es|ed)|count(?:s|ed)|record(?:s|ed)|calculat(?:es|ed)|call(?:s|ed)|ask(?:s|ed)|repeat(?:s|ed))\b"
)

# Words that make up a title or role before a name ("Russia's Foreign Minister Sergei Lavrov").
TITLE_WORDS = {
    w.lower()
    for w in (
        "Mr Mrs Ms Dr Prof President Vice Prime Deputy Foreign Minister Ministry Ambassador Envoy Special "
        "Representative Secretary General Spokesman Spokeswoman Spokesperson Official Officer Chief Head "
        "Director Senator Governor Mayor Chairman Chairwoman Chancellor King Queen Prince Premier "
        "Commander Colonel Gen Lieutenant Captain Acting Interim Former Senior Top Defence Defense Interior "
        "Justice Affairs State Press Kremlin Afghanistan Russia Russian Russia's Russia’s Afghan Taliban "
        "US U.S. American British Chinese Iranian Pakistani Indian Western Soviet Analyst Expert Diplomat "
        "the of for to and Desk Asia Department Office Mission Member Leader Delegate Director-General"
    ).split()
}

# The kinds of ministry a minister's title names ("Transport Minister" -> "Transport Ministry"); a regex alternation.
MINISTRY_KINDS = r"foreign|defen[cs]e|interior|justice|finance|health|transport|education|energy|economy"

# Role nouns that refer back to a person named earlier ("the ambassador added").
# Nouns for a person by what they do, which news writing uses to refer back to someone it named
# ("the Fed chair", "the agency's head", "the defending champion"): from every desk, not one story's.
ROLE_NOUNS = (
    "ambassador envoy minister diplomat spokesman spokeswoman spokesperson official president "
    "prime minister chief head representative secretary analyst expert leader engineer mayor governor "
    "chair chairman chairwoman chairperson boss director director-general commissioner chancellor premier "
    "economist strategist scientist researcher professor doctor epidemiologist lawyer attorney judge prosecutor "
    "lawmaker senator congressman congresswoman legislator founder executive ceo banker investor "
    "player champion coach manager captain star veteran finalist striker goalkeeper athlete driver "
    "commander general"
).split()


# Capitalised words that open a sentence or name a time, never part of a person's name.
NON_NAME_WORDS = {
    w.lower()
    for w in (
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
        "August September October November December Later Earlier Although In On At Also However While After "
        "Before When Despite Since Speaking Unlike Last Next This That These Those The A An And But Then Further "
        "Moreover Additionally Consequently Meanwhile Yesterday Today Tomorrow Following As If It He She They We "
        "Asked According Analysts Officials Critics"
    ).split()
}

# Words of a reporting frame that say nothing of a person's role ("..., the envoy told reporters that
# Ambassador Kabulov"); kept out of the titles stored with a speaker.
FRAME_WORDS = (
    set(REPORTING_VERBS)
    | set(
        "a an the of for to and or but in on at by with from as into about after before than then that this these those "
        "he she it they we you i his her its their our who whom whose which what when where while was were is are be been "
        "has have had do does did not no also just only there here so if reporters reporter journalists interview radio "
        "station channel television newspaper same time day week month year morning afternoon evening night".split()
    )
    | NON_NAME_WORDS
)

# English function words (NLTK's list): too common to say which claim or fact-check a text means.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves
    """.split()
)
# What a query's frame adds ("Lavrov says ..."): left out of keyword search.
SAYING = frozenset({"said", "say", "says"})
# Tweet furniture in published fact-checks' claims ("RT @agency via ...", "&amp;").
TWEET_WORDS = frozenset({"rt", "via", "amp"})
# The shorter list the link model's word-overlap features were fitted with (bench/train_linking.py):
# changing it changes every pair's features, so it changes only with a refit of claims/models/linking.json.
LINK_STOP_WORDS = frozenset(
    """
    a about according after against all also an and any are as at be been before being between but
    by can could did do does during for from had has have he her here him his how i in into is it
    its may me might more most must my no not of on or our over said say says shall she should some
    such than that the their them then there these they this those through to told under us was we
    were what when where which who whom whose will with would you your
    """.split()
)
# Words that negate what follows; a word ending in "n't" negates too (:func:`negates`).
NEGATIONS = frozenset(
    {"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot", "without"}
)


def negates(word: str) -> bool:
    """``word`` (lower-cased) negates what follows: "not", "never", "won't", "didn't"..."""
    return word in NEGATIONS or word.endswith("n't")
