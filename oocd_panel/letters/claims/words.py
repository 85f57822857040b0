"""The words claims are read by: sets of words, the verbs of taking part (and of not taking
part), and each family of claim as token patterns for spaCy's Matcher, in a small notation (see
`FAMILIES`). Only words: what they mean for a disposal is in `verdicts.py`."""

from __future__ import annotations

from oocd_panel.catalogue.disposals import Disposal


def wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SETS: dict[str, tuple[str, ...]] = {
    "NEG": wordlist("""
            not n't never no nobody nothing none neither nor without noone nowhere avoid avoids
            avoided avoiding instead
            """),
    "CHILD": wordlist("""
            you your yourself they them their he she him her his sam child son daughter person
            """),
    "BE": ("be", "is", "are", "am", "was", "were", "been", "being", "'s", "'re", "'m"),
    "WILL": ("will", "'ll", "shall", "wo", "would", "'d"),
    "MODAL": ("can", "ca", "may", "might", "could", "will", "'ll", "would", "shall", "wo"),
    "DET": ("the", "a", "an", "your", "their", "his", "her", "this", "that", "these", "those"),
    "ALL": ("all", "every", "each", "any"),
    "SESSION": wordlist("""
            session sessions meeting meetings appointment appointments group groups class classes
            programme program activity activities workshop workshops course it them one week
            centre office youth first next weekly
            """),
    "COURTWORD": ("court", "courts", "trial", "magistrate", "magistrates", "judge", "hearing"),
    "THIRD": wordlist("""
            police we worker workers team court lawyer solicitor panel officer officers i someone
            service staff judge magistrates school
            """),
}


# Verbs of taking part, and of not taking part.
TAKE_PART = (
    "~come|attend|join|meet|complete|finish|participate|engage|arrive",
    "~go along? to? @DET? @ALL? _? @SESSION",
    "~be there|here",
    "~be on time",
    "~turn|show up",
    "~take part",
    "~see @DET? worker|workers|us|team",
    "~do them|it|this|these|that|all|every|each|so|what|any|anything|everything|some|the",
    "~keep to|going|coming|up|it|them|your|their|the|all|every|each",
    "~stick to|with",
    "~work with us|your|their|the",
    "~sign up? to|on",
)


NOT_TAKE_PART = (
    "~say no",
    "~refuse|decline|miss|skip|stop|quit|withdraw|fail|ignore|bunk|dodge",
    "refusal|refusing",
    "~drop|pull|opt|walk|back out",
    "~walk away",
    "~give up",
    "~turn @DET? down",
    "~turn it|them|us|this|that down",
    "~change your|their|his|her|my mind",
    "~break @DET? agreement|agreements|conditions|condition|rules|promise|contract|them|it|deal",
    "~breach",
    "~be late",
    "~stay away",
    "failure|nonattendance|absence",
    "missed",
    "not|n't|never|no @~TAKE",
    "not|n't|never|no ~do @DET? thing|things",
    "not|n't|never ~bother",
)


SOFTENER = (
    "if|when|whenever|unless @CHILD ~want|wish|like|choose|decide|prefer|feel",
    "if|when @CHILD 'd|would like",
    "if @CHILD @BE happy|ready|willing",
    "only if",
    "should @CHILD wish|want",
    "if it suits",
)


FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "OBLIGATION",
        (
            "must",
            "~have|has|had to",
            "~have got to",
            "got to",
            "~need to",
            "~need you to",
            "~require",
            "requirement|requirements",
            "compulsory|mandatory|obligatory|obliged|obligated|obligation|obligations|duty",
            "conditional|dependent|depends|depending on|upon",
            "a condition of",
            "a breach",
            "~bind to",
            "~expect to|you|them",
            "expected",
            "~force",
            "forced",
            "~make you|them|sam|him|her @~TAKE",
            "~make @CHILD child? @~TAKE",
            "@BE to @~TAKE",
            "@BE made to @~TAKE",
            "~insist|demand|order|enforce",
            "ordered",
            "without fail|exception|excuse",
            "no excuses|exceptions",
            "essential|vital|crucial|necessary",
            "@BE in breach",
            "~breach @DET? conditions|agreement|rules|order",
            "@WILL ~have to",
            "ought to",
        ),
    ),
    (
        "OBLIGATION_SOFT",
        (
            "should @~TAKE",
            "~make sure|certain @CHILD? _? @~TAKE",
            "~be sure to @~TAKE",
            "~remember|try to @~TAKE",
            "forget to @~TAKE",
            "important|best that? @CHILD? _? to? @~TAKE",
            "@CHILD @WILL then|also|now|still? @~TAKE",
            "@CHILD @BE going to @~TAKE",
            "@CHILD @WILL be ~expect",
            "@WILL be expecting you|them|sam|your",
            "@WILL be waiting for? you|them|sam|your",
            "~make every|an effort to @~TAKE",
            "we|worker|they @WILL ~see|meet you|them|sam|him|her",
            "we @BE going to ~see|meet you|them|sam",
            "~look forward to ~see|meet you",
            "see you|them then|there|every|each|weekly|on",
        ),
    ),
    (
        "CHOICE",
        (
            "choice|choices",
            "~choose",
            "optional|voluntary",
            "up to you|them|your|sam|him|her",
            "~decide",
            "option",
            "~can|may|could|free|able|allow|right|entitled|welcome|fine|ok|okay|alright _? _? "
            "@~NOTTAKE",
            "@~NOTTAKE _? @BE not|n't? fine|ok|okay|alright|allowed|possible|acceptable",
            "~have no|a|any say",
            "possible|able|allowed|ok|okay|fine|alright|acceptable to @~NOTTAKE",
            "yes or no",
            "your|their|own|child 's? decision",
            "there @BE no|not|n't @~NOTTAKE",
            "there @BE no|not|n't way|option|chance|possibility of|to @~NOTTAKE",
            "~matter if|whether|when @CHILD @~NOTTAKE",
        ),
    ),
    (
        "COURT",
        (
            "court|courts|trial|magistrate|magistrates|judge|prosecution|prosecutor|cps",
            "crown prosecution",
            "a|the charge|charges",
            "~prosecute",
            "charged",
            "~charge you|them|him|her|sam|your",
            "~take @CHILD to @COURTWORD",
        ),
    ),
    (
        "PUNISHMENT",
        (
            "~punish",
            "punishment|punishments|prison|jail|gaol|custody|detention|penalty|penalties",
            "young|youth offender|offenders institution|institutions",
            "secure centre|unit|home",
            "referral|rehabilitation|community|detention|supervision order",
            "~tag|curfew",
            "~lock @CHILD? up",
            "locked up",
            "fined",
            "a|pay fine",
            "~sentence",
            "~penalise|penalize|sanction",
        ),
    ),
    ("ARREST", ("~arrest", "~come for @CHILD", "~pick @CHILD up")),
    (
        "POLICE",
        (
            "police will|'ll|may|might|could|can|would? be|get "
            "~tell|inform|notify|call|contact|involve",
            "~tell|inform|notify|call|contact|report|hand|pass|send|refer|return @CHILD? @DET? "
            "case? back? to? the police",
            "back to the police",
            "to the police again",
            "police will|'ll|may|might|could|can|would? ~decide|look|think again",
            "police will|'ll|may|might|could|can|would? ~reconsider|review|revisit|reopen",
            "police will|'ll|may|might|could|can|would? ~decide what|whether|if",
            "police will|'ll|may|might|could|can|would|do|does|wo|ca? not|n't? ~take action|steps",
            "police will|'ll|may|might|could|can|would? ~deal with",
            "police will|'ll|may|might|could|can|would|do|does|wo|ca? not|n't? ~take|have "
            "any|some? more|further|other action|actions|steps",
            "police will|'ll|may|might|could|can|would? ~come|visit",
            "police will|'ll|may|might|could|can|would? ~take it|this|that|things|matters further",
            "back at|to|in? the? police station",
            "police will|'ll|may|might|could|can|would? ~know|hear|learn|find",
            "visit|call|knock|letter from the police",
            "officer|officers will|'ll|may|might|could|can|would? ~come|visit|call|arrest|knock",
            "~reopen",
            "reopened",
        ),
    ),
    (
        "TROUBLE",
        (
            "in|into big|serious|real|deep|more|a? lot? of? trouble",
            "consequence|consequences",
            "something bad|worse",
            "bad|serious things",
        ),
    ),
    (
        "NOTHING",
        (
            "nothing bad|more|else|further|worse|at? all? will|'ll|would|is|'s? going? to? ~happen",
            "nothing @WILL? ~happen",
            "nothing further|more|else",
            "no more|further|other action|actions",
            "no consequences|consequence|trouble|punishment",
            "not|n't @BE|get? in|into big|any|serious? trouble",
            "~take no action",
            "~do nothing more|further|else|at? all?",
            "end of it|the matter",
            "case|matter @BE closed|over|finished|dropped|done",
            "that|it|this @BE fine|ok|okay|alright|allowed",
            "that|it|this @BE no problem",
        ),
    ),
    (
        "CRIMINAL_RECORD",
        (
            "criminal record|records|history",
            "police record",
            "a criminal|offender",
            "~record of offending",
            "clean record",
            "record|records @BE still|now|completely? clean|spotless",
        ),
    ),
    (
        "ON_RECORD",
        (
            "on|in @DET? record|records|file",
            "on|in @DET child|sam 's record|records|file",
            "~have|get a record",
            "~give @CHILD a record",
            "~record against @CHILD",
        ),
    ),
    (
        "CONVICTION",
        ("~convict", "conviction|convictions", "~find guilty", "guilty verdict", "convicted"),
    ),
    (
        "CAUTION",
        ("caution|cautions|cautioned", "~caution", "formal|official|final warning|warnings"),
    ),
    (
        "FOREVER",
        (
            "forever",
            "for ever|life|good",
            "permanent|permanently|lifelong",
            "rest of @CHILD life",
            "never ~go away",
            "never @BE? ~remove|delete|wipe|spend|clear|forget|disappear|go",
            "~follow @CHILD around? for? ever|life|always|everywhere?",
            "always @BE? there|on",
        ),
    ),
    (
        "ERASED",
        (
            "~wipe|delete|erase|expunge|destroy|shred",
            "~wipe|clear it|this|that|the|your|their clean|off|away",
            "~remove|clear from @DET? record|records|computer|file",
            "be|is|are|was|been|get|gets|got removed|cleared|forgotten|gone|deleted|wiped|erased",
            "no one will|'ll|can|could|would? ever? ~see|know|find|check|hear|look",
            "nobody will|'ll|can|could|would? ever? ~see|know|find|check|hear|look",
            "nobody|no _? _? _? will|'ll|can|could|would ever? ~see|know|find|check|hear|look",
            "never @BE? seen|known|found|shown|shared|told|revealed|recorded|kept|disclosed",
            "never ~show|appear|come|surface",
            "not|n't|never ~show|appear|come up? anywhere",
            "secret",
            "no record|records|trace|note",
            "not|n't ~keep|record|hold|store",
            "not|n't @BE? kept|recorded|held|stored|written",
            "~disappear|vanish",
        ),
    ),
    (
        "CHECK",
        (
            "check|checks|employer|employers|dbs|background|job|jobs|college|university",
            "everyone|anyone|everybody|anybody|people ~will|can|could|would? ~see|know|find|hear",
        ),
    ),
    (
        "ADMISSION",
        (
            "~admit",
            "admission|admissions|confession",
            "~confess",
            "~own up",
            "~plead guilty",
            "pleaded|pled guilty",
            "~say|tell|agree|accept|confirm|explain|show to? the? police|us|them|officer? that? "
            "@CHILD ~do|commit it|this|that|the|a|an",
            "~accept|admit @DET? responsibility|blame|guilt|fault",
            "took|taken responsibility|blame",
            "~accept|admit the|your|their offence|crime|charge",
            "~accept what @CHILD did",
            "~accept that? @CHILD @BE? guilty|responsible|wrong",
        ),
    ),
    (
        "GUILT",
        (
            "@CHILD @BE guilty",
            "@CHILD ~commit|do the|a|an|this|that offence|crime",
            "@CHILD ~commit it",
            "@CHILD did it|this",
            "@CHILD ~break the law",
            "your|their crime|offence|offending",
            "the crime @CHILD committed|did",
        ),
    ),
    ("TAKE", TAKE_PART),
    ("NOTTAKE", NOT_TAKE_PART),
    ("SOFT", SOFTENER),
)


CONDITION_STARTS = frozenset({"if", "unless", "when", "whenever", "whether", "once", "provided"})


CLAUSE_STARTS = frozenset(
    {"but", "however", "although", "though", "whereas", "because", "otherwise", "then", "so"}
)


SUBJECTS = frozenset(
    wordlist("""
        you they we he she it this that your their sam nothing nobody there then else i everyone
        anyone
        """)
)


POSSIBLE = frozenset(
    wordlist("""
        may might could can ca possibly perhaps maybe chance risk sometimes would 'd likely
        possible
        """)
)


QUESTION_STARTS = frozenset(
    wordlist("""
        is are do does did can could will would should what who why how when where which whether
        have has may shall was were
        """)
)


QUALIFIERS = frozenset(
    {"most", "many", "some", "basic", "standard", "usually", "normally", "often", "few", "not all"}
)


UNIVERSAL = frozenset(
    {"every", "all", "any", "always", "everyone", "anyone", "everybody", "anybody", "each"}
)


JOB_HARM = frozenset({"stop", "stops", "prevent", "prevents", "ruin", "ruins", "harm", "block"})


CLAIM_VERBS = frozenset(
    wordlist("""
        be have get give go mean count leave end show put add appear stay remain keep receive
        carry become land follow make treat record start will 's 're
        """)
)


ADVICE = frozenset({"lawyer", "solicitor", "advice", "adviser", "advisor", "legal"})


# Verbs an obligation can have that are not the work: getting in touch, knowing, reading.
NOT_WORK = frozenset(
    wordlist("""
        call phone ring email contact tell let ask complain text know understand read bring
        remember explain
        """)
)


def names_of(disposal: Disposal) -> list[str]:
    if disposal.goes_to_court:
        return []  # "charge" is also a verb, and "going to court" a claim of its own
    names = [disposal.short_name, disposal.plain_name, *disposal.also_called]
    return [n.lower() for n in names]


# Families a pattern can use as one of its items: "@~TAKE" is any verb of taking part. They are
# matched first, and their tokens marked (NORM "<take>", then "<take+>") for the other patterns.
INLINE = {"@~TAKE": "TAKE", "@~NOTTAKE": "NOTTAKE"}


FIRST_PASS = frozenset({"TAKE", "NOTTAKE"})


# Where the lookup tables' lemma is wrong for a letter ("does" is not a deer).
LEMMA_FIX = {
    "does": "do",
    "more": "more",
    "'s": "'s",
    "'d": "would",
    "less": "less",
    "ca": "can",
    "wo": "will",
    "sha": "shall",
    "'ll": "will",
    "n't": "not",
    "allowed": "allow",
}


CHOOSING = frozenset(wordlist("choose chooses decide decides you them child sam matter up"))


# "and will never be seen": a clause of its own (its subject is the one before).
VERB_AFTER_AND = frozenset(
    wordlist("will 'll can could may might must would should shall is are was were does do did")
)


SPLIT_MODALS = frozenset(wordlist("will 'll may might could can ca would must shall wo"))


MAIN_SUBJECTS = frozenset(
    wordlist("you they we it nothing police he she sam this that there i child case nobody people")
)


AFTER_CRIMINAL = frozenset({"now", "again", "for", "record", "records", "history"})


AVOID = frozenset({"avoid", "prevent"})


FINE = frozenset({"fine", "ok", "okay", "alright", "allowed", "problem"})


PAST_TELLING = frozenset(
    {"told", "informed", "reported", "called", "contacted", "sent", "passed", "handed", "referred"}
)


# Families whose own words include a negation that gives their meaning.
OWN_NEGATION = frozenset({"NOTTAKE", "NOTHING", "ERASED", "FOREVER", "NO_CHECK"})
