"""The quote component on Docs built by hand: each quoting pattern, and the seed article."""

from __future__ import annotations

import pytest
import spacy
from conftest import REPO
from docs_by_hand import doc_from_lines, run_components, seed_doc

from wirecorpus.components import add_components, quotes


@pytest.fixture(scope="module")
def nlp():
    return add_components(spacy.blank("en"), root=REPO)


def spans(doc, quote):
    """A quote's parts as text: (kind, content, cue, speaker, speaker_span)."""

    def text(offsets):
        return None if offsets is None else doc.text[offsets[0] : offsets[1]]

    return quote["kind"], text(quote["content"]), text(quote["cue"]), text(quote["speaker"]), text(quote["speaker_span"])


PATTERNS = {
    "straight marks, cue after": (
        '"We will win," Peskov said.',
        """
        "       PUNCT  "       punct  7
        We      PRON   we      nsubj  3
        will    AUX    will    aux    3
        win     VERB   win     ccomp  7
        ,       PUNCT  ,       punct  7
        "       PUNCT  "       punct  7
        Peskov  PROPN  Peskov  nsubj  7  B-PERSON
        said    VERB   say     ROOT   7
        .       PUNCT  .       punct  7
        """,
        [("direct", "We will win,", "said", "Peskov", None)],
    ),
    "typographic marks, said X": (
        "“We will win,” said Peskov.",
        """
        “       PUNCT  “       punct  6
        We      PRON   we      nsubj  3
        will    AUX    will    aux    3
        win     VERB   win     ccomp  6
        ,       PUNCT  ,       punct  6
        ”       PUNCT  ”       punct  6
        said    VERB   say     ROOT   6
        Peskov  PROPN  Peskov  nsubj  6  B-PERSON
        .       PUNCT  .       punct  6
        """,
        [("direct", "We will win,", "said", "Peskov", None)],
    ),
    "cue before": (
        'Peskov said: "We will win."',
        """
        Peskov  PROPN  Peskov  nsubj  1  B-PERSON
        said    VERB   say     ROOT   1
        :       PUNCT  :       punct  1
        "       PUNCT  "       punct  1
        We      PRON   we      nsubj  6
        will    AUX    will    aux    6
        win     VERB   win     ccomp  1
        .       PUNCT  .       punct  6
        "       PUNCT  "       punct  1
        """,
        [("direct", "We will win.", "said", "Peskov", None)],
    ),
    "interrupted by the cue, pronoun speaker": (
        'Dmitry Peskov spoke. "We will win," he said, "and they know it."',
        """
        Dmitry  PROPN  Dmitry  compound  1   B-PERSON
        Peskov  PROPN  Peskov  nsubj     2   I-PERSON
        spoke   VERB   speak   ROOT      2
        .       PUNCT  .       punct     2
        "       PUNCT  "       punct     11
        We      PRON   we      nsubj     7
        will    AUX    will    aux       7
        win     VERB   win     ccomp     11
        ,       PUNCT  ,       punct     11
        "       PUNCT  "       punct     11
        he      PRON   he      nsubj     11
        said    VERB   say     ROOT      11
        ,       PUNCT  ,       punct     11
        "       PUNCT  "       punct     11
        and     CCONJ  and     cc        16
        they    PRON   they    nsubj     16
        know    VERB   know    ccomp     11
        it      PRON   it      dobj      16
        .       PUNCT  .       punct     16
        "       PUNCT  "       punct     11
        """,
        [
            ("direct", "We will win,", "said", "Dmitry Peskov", "he"),
            ("direct", "and they know it.", "said", "Dmitry Peskov", "he"),
        ],
    ),
    "several sentences": (
        '"We will win. They know it," Peskov said.',
        """
        "       PUNCT  "       punct  3
        We      PRON   we      nsubj  3
        will    AUX    will    aux    3
        win     VERB   win     ROOT   3
        .       PUNCT  .       punct  3
        They    PRON   they    nsubj  6
        know    VERB   know    ccomp  11
        it      PRON   it      dobj   6
        ,       PUNCT  ,       punct  11
        "       PUNCT  "       punct  11
        Peskov  PROPN  Peskov  nsubj  11  B-PERSON
        said    VERB   say     ROOT   11
        .       PUNCT  .       punct  11
        """,
        [("direct", "We will win. They know it,", "said", "Peskov", None)],
    ),
    "quote going on into the next paragraph": (
        'Peskov said: "We will win.\n\n"They know it very well."',
        """
        Peskov  PROPN  Peskov  nsubj   1  B-PERSON
        said    VERB   say     ROOT    1
        :       PUNCT  :       punct   1
        "       PUNCT  "       punct   1
        We      PRON   we      nsubj   6
        will    AUX    will    aux     6
        win     VERB   win     ccomp   1
        .       PUNCT  .       punct   6
        ¶       SPACE  ¶       dep     7  -  _SP
        "       PUNCT  "       punct   11
        They    PRON   they    nsubj   11
        know    VERB   know    ROOT    11
        it      PRON   it      dobj    11
        very    ADV    very    advmod  14
        well    ADV    well    advmod  11
        .       PUNCT  .       punct   11
        "       PUNCT  "       punct   11
        """,
        [("direct", "We will win.", "said", "Peskov", None), ("direct", "They know it very well.", None, "Peskov", None)],
    ),
    "next sentence quoted after an attributed quote": (
        '"We won," said Jobs. "It feels great to win this."',
        """
        "      PUNCT  "      punct  5
        We     PRON   we     nsubj  2
        won    VERB   win    ccomp  5
        ,      PUNCT  ,      punct  5
        "      PUNCT  "      punct  5
        said   VERB   say    ROOT   5
        Jobs   PROPN  Jobs   nsubj  5  B-PERSON
        .      PUNCT  .      punct  5
        "      PUNCT  "      punct  10
        It     PRON   it     nsubj  10
        feels  VERB   feel   ROOT   10
        great  ADJ    great  acomp  10
        to     PART   to     aux    13
        win    VERB   win    xcomp  11
        this   PRON   this   dobj   13
        .      PUNCT  .      punct  10
        "      PUNCT  "      punct  10
        """,
        [("direct", "We won,", "said", "Jobs", None), ("direct", "It feels great to win this.", None, "Jobs", None)],
    ),
    "participle cue takes its clause's subject": (
        'Jobs spoke, saying: "We will make history today."',
        """
        Jobs     PROPN  Jobs     nsubj   1  B-PERSON
        spoke    VERB   speak    ROOT    1
        ,        PUNCT  ,        punct   1
        saying   VERB   say      advcl   1
        :        PUNCT  :        punct   3
        "        PUNCT  "        punct   3
        We       PRON   we       nsubj   8
        will     AUX    will     aux     8
        make     VERB   make     ccomp   3
        history  NOUN   history  dobj    8
        today    NOUN   today    npadvmod 8
        .        PUNCT  .        punct   8
        "        PUNCT  "        punct   3
        """,
        [("direct", "We will make history today.", "saying", "Jobs", None)],
    ),
    "misparsed subject: the name right before the cue": (
        '"We are disappointed," spokesman William Barksdale said.',
        """
        "           PUNCT  "           punct     9
        We          PRON   we          nsubj     2
        are         AUX    be          ccomp     9
        disappointed ADJ   disappointed acomp    2
        ,           PUNCT  ,           punct     9
        "           PUNCT  "           punct     9
        spokesman   NOUN   spokesman   npadvmod  9
        William     PROPN  William     compound  8  B-PERSON
        Barksdale   PROPN  Barksdale   appos     6  I-PERSON
        said        VERB   say         ROOT      9
        .           PUNCT  .           punct     9
        """,
        [("direct", "We are disappointed,", "said", "William Barksdale", None)],
    ),
    "reported clause with that": (
        "Peskov stressed that the ties were strong.",
        """
        Peskov    PROPN  Peskov  nsubj  1  B-PERSON
        stressed  VERB   stress  ROOT   1
        that      SCONJ  that    mark   5
        the       DET    the     det    4
        ties      NOUN   tie     nsubj  5
        were      AUX    be      ccomp  1
        strong    ADJ    strong  acomp  5
        .         PUNCT  .       punct  1
        """,
        [("indirect", "the ties were strong", "stressed", "Peskov", None)],
    ),
    "according to": (
        "The ties are strong, according to Peskov.",
        """
        The        DET    the     det    1
        ties       NOUN   tie     nsubj  2
        are        AUX    be      ROOT   2
        strong     ADJ    strong  acomp  2
        ,          PUNCT  ,       punct  2
        according  VERB   accord  prep   2
        to         ADP    to      prep   5
        Peskov     PROPN  Peskov  pobj   6  B-PERSON
        .          PUNCT  .       punct  2
        """,
        [("indirect", "The ties are strong", "according to", "Peskov", None)],
    ),
    "mixed: quoted fragment in a reported clause": (
        'Peskov said the ties were "very strong".',
        """
        Peskov  PROPN  Peskov  nsubj   1  B-PERSON
        said    VERB   say     ROOT    1
        the     DET    the     det     3
        ties    NOUN   tie     nsubj   4
        were    AUX    be      ccomp   1
        "       PUNCT  "       punct   7
        very    ADV    very    advmod  7
        strong  ADJ    strong  acomp   4
        "       PUNCT  "       punct   7
        .       PUNCT  .       punct   1
        """,
        [("mixed", 'the ties were "very strong"', "said", "Peskov", None)],
    ),
    "title as subject": (
        "Kremlin Spokesman Dmitry Peskov arrived. The Kremlin spokesman said that the talks went well.",
        """
        Kremlin    PROPN  Kremlin    compound  3   B-ORG
        Spokesman  PROPN  Spokesman  compound  3   I-ORG
        Dmitry     PROPN  Dmitry     compound  3   B-PERSON
        Peskov     PROPN  Peskov     nsubj     4   I-PERSON
        arrived    VERB   arrive     ROOT      4
        .          PUNCT  .          punct     4
        The        DET    the        det       8
        Kremlin    PROPN  Kremlin    compound  8   B-ORG
        spokesman  NOUN   spokesman  nsubj     9
        said       VERB   say        ROOT      9
        that       SCONJ  that       mark      13
        the        DET    the        det       12
        talks      NOUN   talk       nsubj     13  -  NNS
        went       VERB   go         ccomp     9
        well       ADV    well       advmod    13
        .          PUNCT  .          punct     9
        """,
        [("indirect", "the talks went well", "said", "Dmitry Peskov", "Kremlin spokesman")],
    ),
    "pronoun with no one to stand for": (
        "She said that the ties were strong.",
        """
        She     PRON   she     nsubj  1
        said    VERB   say     ROOT   1
        that    SCONJ  that    mark   5
        the     DET    the     det    4
        ties    NOUN   tie     nsubj  5
        were    AUX    be      ccomp  1
        strong  ADJ    strong  acomp  5
        .       PUNCT  .       punct  1
        """,
        [("indirect", "the ties were strong", "said", None, "She")],
    ),
    "a title in quotation marks is no quote": (
        'He watched "Moscow. Kremlin. Putin" on TV.',
        """
        He       PRON   he       nsubj  1
        watched  VERB   watch    ROOT   1
        "        PUNCT  "        punct  3
        Moscow   PROPN  Moscow   dobj   1  B-WORK_OF_ART
        .        PUNCT  .        punct  3  I-WORK_OF_ART
        Kremlin  PROPN  Kremlin  appos  3  I-WORK_OF_ART
        .        PUNCT  .        punct  3  I-WORK_OF_ART
        Putin    PROPN  Putin    appos  3  I-WORK_OF_ART
        "        PUNCT  "        punct  3
        on       ADP    on       prep   1
        TV       NOUN   tv       pobj   9
        .        PUNCT  .        punct  1
        """,
        [],
    ),
    "cue before, a phrase of the cue between": (
        'Sugar said in an interview "We hit a home run."',
        """
        Sugar      PROPN  Sugar      nsubj     1  B-PERSON
        said       VERB   say        ROOT      1
        in         ADP    in         prep      1
        an         DET    an         det       4
        interview  NOUN   interview  pobj      2
        "          PUNCT  "          punct     7
        We         PRON   we         nsubj     7
        hit        VERB   hit        ccomp     1
        a          DET    a          det       10
        home       NOUN   home       compound  10
        run        NOUN   run        dobj      7
        .          PUNCT  .          punct     7
        "          PUNCT  "          punct     1
        """,
        [("direct", "We hit a home run.", "said", "Sugar", None)],
    ),
    "said that, the marks holding the whole clause": (
        'Aboulafia said that "The flight will help."',
        """
        Aboulafia  PROPN  Aboulafia  nsubj  1  B-PERSON
        said       VERB   say        ROOT   1
        that       SCONJ  that       mark   7
        "          PUNCT  "          punct  7
        The        DET    the        det    5
        flight     NOUN   flight     nsubj  7
        will       AUX    will       aux    7
        help       VERB   help       ccomp  1
        .          PUNCT  .          punct  7
        "          PUNCT  "          punct  1
        """,
        [("direct", "The flight will help.", "said", "Aboulafia", None)],
    ),
    "quoting verb: its object speaks": (
        '"We need no jets," Detik quoted Djamal as saying.',
        """
        "       PUNCT  "       punct  8
        We      PRON   we      nsubj  2
        need    VERB   need    ccomp  8
        no      DET    no      det    4
        jets    NOUN   jet     dobj   2
        ,       PUNCT  ,       punct  8
        "       PUNCT  "       punct  8
        Detik   PROPN  Detik   nsubj  8   B-ORG
        quoted  VERB   quote   ROOT   8
        Djamal  PROPN  Djamal  dobj   8   B-PERSON
        as      ADP    as      prep   8
        saying  VERB   say     pcomp  10
        .       PUNCT  .       punct  8
        """,
        [("direct", "We need no jets,", "quoted", "Djamal", None)],
    ),
    "name and colon, no speech verb": (
        'Bill Bodie: "We will not turn the other cheek."',
        """
        Bill   PROPN  Bill   compound  1  B-PERSON
        Bodie  PROPN  Bodie  ROOT      1  I-PERSON
        :      PUNCT  :      punct     1
        "      PUNCT  "      punct     7
        We     PRON   we     nsubj     7
        will   AUX    will   aux       7
        not    PART   not    neg       7
        turn   VERB   turn   appos     1
        the    DET    the    det       10
        other  ADJ    other  amod      10
        cheek  NOUN   cheek  dobj      7
        .      PUNCT  .      punct     7
        "      PUNCT  "      punct     7
        """,
        [("direct", "We will not turn the other cheek.", None, "Bill Bodie", None)],
    ),
    "clause naming the speaker before a comma, no speech verb": (
        'Jobs left this farewell, "I have made the best friends here."',
        """
        Jobs      PROPN  Jobs      nsubj      1  B-PERSON
        left      VERB   leave     ROOT       1
        this      DET    this      det        3
        farewell  NOUN   farewell  dobj       1
        ,         PUNCT  ,         punct      1
        "         PUNCT  "         punct      8
        I         PRON   I         nsubj      8
        have      AUX    have      aux        8
        made      VERB   make      parataxis  1
        the       DET    the       det        11
        best      ADJ    good      amod       11
        friends   NOUN   friend    dobj       8
        here      ADV    here      advmod     8
        .         PUNCT  .         punct      8
        "         PUNCT  "         punct      1
        """,
        [("direct", "I have made the best friends here.", None, "Jobs", None)],
    ),
    "participle cue in a noun phrase takes the clause's subject": (
        'Dicks released a statement saying "This decision is disappointing."',
        """
        Dicks          PROPN  Dicks          nsubj  1  B-PERSON
        released       VERB   release        ROOT   1
        a              DET    a              det    3
        statement      NOUN   statement      dobj   1
        saying         VERB   say            acl    3
        "              PUNCT  "              punct  4
        This           DET    this           det    7
        decision       NOUN   decision       nsubj  8
        is             AUX    be             ccomp  4
        disappointing  ADJ    disappointing  acomp  8
        .              PUNCT  .              punct  8
        "              PUNCT  "              punct  4
        """,
        [("direct", "This decision is disappointing.", "saying", "Dicks", None)],
    ),
    "relative pronoun subject: the person described": (
        'It came from Reilly, an expert who stated: "Firms rarely grow."',
        """
        It      PRON   it      nsubj   1
        came    VERB   come    ROOT    1
        from    ADP    from    prep    1
        Reilly  PROPN  Reilly  pobj    2   B-PERSON
        ,       PUNCT  ,       punct   3
        an      DET    an      det     6
        expert  NOUN   expert  appos   3
        who     PRON   who     nsubj   8
        stated  VERB   state   relcl   6
        :       PUNCT  :       punct   8
        "       PUNCT  "       punct   13
        Firms   NOUN   firm    nsubj   13
        rarely  ADV    rarely  advmod  13
        grow    VERB   grow    ccomp   8
        .       PUNCT  .       punct   13
        "       PUNCT  "       punct   8
        """,
        [("direct", "Firms rarely grow.", "stated", "Reilly", None)],
    ),
    "name inside a nameless subject phrase": (
        'A statement by spokesman William Barksdale said "We are disappointed."',
        """
        A             DET    a             det       1
        statement     NOUN   statement     nsubj     6
        by            ADP    by            prep      1
        spokesman     NOUN   spokesman     compound  5
        William       PROPN  William       compound  5  B-PERSON
        Barksdale     PROPN  Barksdale     pobj      2  I-PERSON
        said          VERB   say           ROOT      6
        "             PUNCT  "             punct     9
        We            PRON   we            nsubj     9
        are           AUX    be            ccomp     6
        disappointed  ADJ    disappointed  acomp     9
        .             PUNCT  .             punct     9
        "             PUNCT  "             punct     6
        """,
        [("direct", "We are disappointed.", "said", "William Barksdale", None)],
    ),
    "pronoun: the person last named as a subject": (
        'Talavan spoke for Force Ouvriere. "This is the beginning," he said.',
        """
        Talavan    PROPN  Talavan    nsubj     1   B-PERSON
        spoke      VERB   speak      ROOT      1
        for        ADP    for        prep      1
        Force      PROPN  Force      compound  4   B-PERSON
        Ouvriere   PROPN  Ouvriere   pobj      2   I-PERSON
        .          PUNCT  .          punct     1
        "          PUNCT  "          punct     14
        This       PRON   this       nsubj     8
        is         AUX    be         ccomp     14
        the        DET    the        det       10
        beginning  NOUN   beginning  attr      8
        ,          PUNCT  ,          punct     14
        "          PUNCT  "          punct     14
        he         PRON   he         nsubj     14
        said       VERB   say        ROOT      14
        .          PUNCT  .          punct     14
        """,
        [("direct", "This is the beginning,", "said", "Talavan", "he")],
    ),
    "speech verb from the lexicon: enthused": (
        '"We are rolling out the first airplane," enthused Scott Fancher.',
        """
        "         PUNCT  "         punct     10
        We        PRON   we        nsubj     3
        are       AUX    be        aux       3
        rolling   VERB   roll      ccomp     10
        out       ADP    out       prt       3
        the       DET    the       det       7
        first     ADJ    first     amod      7
        airplane  NOUN   airplane  dobj      3
        ,         PUNCT  ,         punct     10
        "         PUNCT  "         punct     10
        enthused  VERB   enthuse   ROOT      10
        Scott     PROPN  Scott     compound  12  B-PERSON
        Fancher   PROPN  Fancher   nsubj     10  I-PERSON
        .         PUNCT  .         punct     10
        """,
        [("direct", "We are rolling out the first airplane,", "enthused", "Scott Fancher", None)],
    ),
    "an object in quotation marks is no quote": (
        'GovExec quotes a "Senate aide" on the bill.',
        """
        GovExec  PROPN  GovExec  nsubj     1  B-ORG
        quotes   VERB   quote    ROOT      1
        a        DET    a        det       5
        "        PUNCT  "        punct     5
        Senate   PROPN  Senate   compound  5  B-ORG
        aide     NOUN   aide     dobj      1
        "        PUNCT  "        punct     5
        on       ADP    on       prep      1
        the      DET    the      det       9
        bill     NOUN   bill     pobj      7
        .        PUNCT  .        punct     1
        """,
        [],
    ),
    "two closing marks written against a word open a quote": (
        "''We will win,\" it said.",
        """
        ''    PUNCT  ''    punct  7
        We    PRON   we    nsubj  3
        will  AUX    will  aux    3
        win   VERB   win   ccomp  7
        ,     PUNCT  ,     punct  7
        "     PUNCT  "     punct  7
        it    PRON   it    nsubj  7
        said  VERB   say   ROOT   7
        .     PUNCT  .     punct  7
        """,
        [("direct", "We will win,", "said", None, "it")],
    ),
    "quote going on after an ellipsis": (
        'Leary said: "We fly on time"... "In addition, it has the lowest cost."',
        """
        Leary     PROPN  Leary     nsubj  1   B-PERSON
        said      VERB   say       ROOT   1
        :         PUNCT  :         punct  1
        "         PUNCT  "         punct  5
        We        PRON   we        nsubj  5
        fly       VERB   fly       ccomp  1
        on        ADP    on        prep   5
        time      NOUN   time      pobj   6
        "         PUNCT  "         punct  5
        ...       PUNCT  ...       punct  1
        "         PUNCT  "         punct  15
        In        ADP    in        prep   15
        addition  NOUN   addition  pobj   11
        ,         PUNCT  ,         punct  15
        it        PRON   it        nsubj  15
        has       VERB   have      ROOT   15
        the       DET    the       det    18
        lowest    ADJ    low       amod   18
        cost      NOUN   cost      dobj   15
        .         PUNCT  .         punct  15
        "         PUNCT  "         punct  15
        """,
        [("direct", "We fly on time", "said", "Leary", None), ("direct", "In addition, it has the lowest cost.", None, "Leary", None)],
    ),
}


@pytest.mark.parametrize("name", PATTERNS)
def test_components_quotes_pattern(nlp, name):
    text, lines, expected = PATTERNS[name]
    doc = run_components(nlp, doc_from_lines(text, lines))
    assert [spans(doc, q) for q in doc._.get(quotes.EXTENSION)] == expected


# The seed's quotes as its hand annotation has them (annotations/hand/a1).
SEED_QUOTES = [
    ("indirect", "after the September 14 talks", "recalled", "Dmitry Peskov", None),
    ("mixed", "The heads of agencies", "said", "Peskov", None),
    ("indirect", "these ties laid the foundation", "stressed", "Peskov", "He"),
    ("direct", "Thanks to trade and economic cooperation", "explained", "Peskov", "he"),
    ("indirect", "the Russian-Belarusian trade dropped", "stated", "Putin", None),
    ("indirect", "The level of trust and respect", "said", "Peskov", None),
    ("direct", "We have a Union State", "said", "Peskov", None),
    ("indirect", "On the other hand, this allows", "stressed", "Peskov", "Kremlin spokesman"),
    ("direct", "Certainly, the events of the past weeks", "recalled", "Peskov", None),
]


@pytest.fixture(scope="module")
def seed_quotes(nlp):
    doc = run_components(nlp, seed_doc())
    return [spans(doc, q) for q in doc._.get(quotes.EXTENSION)]


def test_components_quotes_seed_count(seed_quotes):
    assert len(seed_quotes) == len(SEED_QUOTES)


@pytest.mark.parametrize("number", range(len(SEED_QUOTES)))
def test_components_quotes_seed(seed_quotes, number):
    kind, start, cue, speaker, speaker_span = SEED_QUOTES[number]
    found = seed_quotes[number]
    assert (found[0], found[2], found[3], found[4]) == (kind, cue, speaker, speaker_span)
    assert found[1].startswith(start)
    # quotation marks stay outside a direct quote's content
    assert kind != "direct" or found[1][0] not in '"“' and found[1][-1] not in '"”'
