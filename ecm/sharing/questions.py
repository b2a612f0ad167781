"""The key questions of an information sharing decision, their guidance, and the path through them.

Questions 1 to 7 follow DOMAIN section 5 (the seed's list, "Making it happen", from the
*Information sharing: Practitioners' guide*); the eighth, "Have you properly recorded your
information sharing decision?", is the record ECM writes at the end. The guidance beside
each question quotes the seeds (the CAF managers' guide, paragraphs 4.19-4.25, and the six
key points) or DOMAIN where the seeds say nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecm.sharing.choices import Answer, Outcome


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    guidance: str
    source: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "Is there a legitimate purpose for you or your agency to share the information?",
        "“Information sharing is essential to enable early intervention and preventative work, for "
        "safeguarding and promoting welfare, and for wider public protection.”",
        "CAF managers' guide, paragraph 2.9",
    ),
    Question(
        2,
        "Does the information enable a person to be identified?",
        "The person the information is about may be the child, a parent or another adult in the household.",
        "ECM domain reference, section 5",
    ),
    Question(
        3,
        "Is the information confidential?",
        "“Confidential information is: personal information of a private and sensitive nature; information "
        "that is not already lawfully in the public domain or readily available from another public source; "
        "information that has been shared in circumstances where the person giving the information could "
        "reasonably expect that it would not be shared with others.”",
        "CAF managers' guide, paragraph 4.19",
    ),
    Question(
        4,
        "If the information is confidential, do you have consent to share?",
        "“Obtain informed and ‘explicit’ consent for sharing the information detailing exactly what the "
        "consent is for and in what circumstances it will apply.” “Respect the wishes of children or "
        "families who do not consent to share confidential information – unless in your judgement there "
        "is sufficient need to override that lack of consent.”",
        "CAF managers' guide, paragraph 4.12; Making it happen, six key points",
    ),
    Question(
        5,
        "Is there a statutory duty or court order to share the information?",
        "A statutory duty or court order to share is its own ground: the decision names the duty or order "
        "and needs neither consent nor the public-interest test.",
        "ECM domain reference, section 3",
    ),
    Question(
        6,
        "If consent is refused, or there are good reasons not to seek consent, is there a sufficient "
        "public interest to share the information?",
        "“Where there is a clear risk of significant harm to a child or young person, or serious harm to "
        "adults, the public interest test will almost certainly be satisfied.” “The information shared "
        "should be proportionate.”",
        "CAF managers' guide, paragraphs 4.22 and 4.23",
    ),
    Question(
        7,
        "If the decision is to share, are you sharing the right information in the right way?",
        "“Ensure information is accurate, up-to-date, necessary for the purpose for which you are sharing "
        "it, shared only with those who need to see it, and shared securely.”",
        "Making it happen, six key points",
    ),
)
QUESTIONS_BY_NUMBER = {q.number: q for q in QUESTIONS}

NOT_SURE_GUIDANCE = (
    "“If you are unsure, you should seek advice from your line manager or a nominated individual whose "
    "role is to support you in these circumstances. If you are working in the NHS, the Caldicott Guardian "
    "may be helpful.”"
)
RECORD_GUIDANCE = "“Always record the reasons for your decision – whether it is to share or not.”"

# The basis a path reaches before the details of the share are asked for.
NOT_IDENTIFYING = "not_identifying"
NON_CONFIDENTIAL = "non_confidential"
CONSENT = "consent"
STATUTORY = "statutory"
PUBLIC_INTEREST = "public_interest"
WITHOUT_CONSENT_CONFIDENTIAL = (STATUTORY, PUBLIC_INTEREST)

# question -> (where "yes" leads, where "no" leads); an int is the next question.
_BRANCHES: dict[int, tuple[Any, Any]] = {
    1: (2, Outcome.NOT_SHARE),
    2: (3, NOT_IDENTIFYING),
    3: (4, NON_CONFIDENTIAL),
    4: (CONSENT, 5),
    5: (STATUTORY, 6),
    6: (PUBLIC_INTEREST, Outcome.NOT_SHARE),
}


@dataclass(frozen=True)
class Position:
    """Where a draft stands: the next page, the path answered so far, the basis and the outcome."""

    step: str  # "question", "details" or "record"
    question: int | None
    path: tuple[int, ...]
    basis: str
    outcome: str


def position(answers: dict[str, str], *, details_done: bool) -> Position:
    """Walk the answers from question 1. Answers off the path (an earlier answer changed) are ignored.

    A "not sure" stops the walk at that question: the decision waits for advice.
    """
    path: list[int] = []
    number = 1
    basis = ""
    while True:
        answer = answers.get(str(number))
        if answer not in (Answer.YES, Answer.NO):
            return Position("question", number, tuple(path), basis, "")
        path.append(number)
        if number == 7:
            outcome = Outcome.SHARE if answer == Answer.YES else Outcome.NOT_SHARE
            return Position("record", None, tuple(path), basis, outcome)
        target = _BRANCHES[number][0 if answer == Answer.YES else 1]
        if isinstance(target, int):
            number = target
            continue
        if target == Outcome.NOT_SHARE:
            return Position("record", None, tuple(path), basis, Outcome.NOT_SHARE)
        basis = target
        if not details_done:
            return Position("details", None, tuple(path), basis, "")
        number = 7


def previous_step(answers: dict[str, str], *, details_done: bool, current: str) -> str:
    """The page before ``current`` ("q3", "details", "record"), for the back link; "" for the start."""
    pos = position(answers, details_done=details_done)
    pages = [f"q{n}" for n in pos.path if n != 7]
    if pos.basis:
        pages.append("details")
    if 7 in pos.path:
        pages.append("q7")
    if current in pages:
        index = pages.index(current)
        return pages[index - 1] if index else ""
    return pages[-1] if pages else ""
