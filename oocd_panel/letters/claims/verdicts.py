"""Claims held against the catalogue: why a claim is false of a disposal, in plain words that
name what the catalogue says instead (None when it is true, or the catalogue says nothing)."""

from __future__ import annotations

from oocd_panel.catalogue.disposals import Disposal, Work
from oocd_panel.letters.claims.read import CONSEQUENCES, RECORDS, Claim, Condition, Kind, Target


def falsehood(claim: Claim, disposal: Disposal) -> str | None:
    """Why the claim is false of the disposal, in plain words (None: it is true, or the catalogue
    has nothing against it)."""
    about = claim.about or disposal
    called = disposal.called
    kind = claim.kind
    if kind is Kind.OBLIGATION:
        if claim.target is Target.COURT:
            return None  # going to court: its own claim (court) says whether it is true
        if claim.target is Target.OTHER or disposal.work is Work.CONDITIONAL:
            return None
        if disposal.goes_to_court:
            return (
                "This says the child must take part in something, but after a charge the only "
                "thing they must do is go to court: any help from the team is their choice"
            )
        if disposal.work is Work.NONE:
            return (
                f"This says the child must do something, but after {called} there is nothing "
                "they have to do"
            )
        return (
            f"This says taking part is required, but the support offered with {called} is the "
            "child's choice"
        )
    if kind is Kind.CHOICE:
        if claim.target is Target.COURT and disposal.goes_to_court:
            return "This says going to court is a choice, but after a charge the child must go"
        if claim.target is Target.WORK and disposal.work is Work.CONDITIONAL:
            return (
                f"This says the child can choose not to do them, but the things agreed for "
                f"{called} are conditions: if they are not done the child could be taken to "
                "court (say so in the same sentence or the next)"
            )
        return None
    if kind in CONSEQUENCES:
        return _consequence(claim, disposal)
    if kind in RECORDS:
        return _record(claim, about, disposal)
    if kind is Kind.FOREVER:
        return (
            f"This says it stays on the record forever, but the catalogue says: {disposal.record}"
        )
    if kind is Kind.ERASED:
        return (
            f"This promises that nobody will see it or that it is wiped, but the police keep a "
            f"record of {called}. The catalogue says: {disposal.record}"
        )
    if kind is Kind.EVERY_CHECK:
        return (
            "This says every check for a job (or every employer) will see it, but most checks "
            f"for jobs will not. The catalogue says: {disposal.record}"
        )
    if kind is Kind.NO_CHECK and disposal.may_show_on_a_check is not False:
        return (
            "This promises no check for a job will ever show it, but for some jobs the police "
            f"can choose to share it. The catalogue says: {disposal.record}"
        )
    if kind is Kind.ADMISSION:
        if claim.positive and disposal.admission_needed is not True:
            needs = (
                "needs no admission"
                if disposal.admission_needed is False
                else ("does not depend on an admission")
            )
            return f"This says the child admitted it, but {called} {needs}"
        if not claim.positive and disposal.admission_needed:
            return (
                f"This says the child did not (or need not) admit it, but {called} is given only "
                "when the child admits it"
            )
        return None
    if kind is Kind.GUILT and claim.positive and disposal.admission_needed is not True:
        return (
            f"This says the child did it, but {called} needs no admission and no court has "
            "found them guilty"
        )
    return None


def _consequence(claim: Claim, disposal: Disposal) -> str | None:
    called = disposal.called
    kind, positive, condition = claim.kind, claim.positive, claim.condition
    if_not = disposal.if_not_taking_part
    later = disposal.court_if_not_done
    court = disposal.goes_to_court
    if kind is Kind.NOTHING:
        if court:
            return "This says nothing more will happen, but after a charge the case goes to court"
        if later and condition is not Condition.DOING:
            return (
                f"This says nothing will happen, but with {called}, if the things agreed are not "
                f"done: {if_not}"
            )
        return None
    threat = {
        Kind.COURT: "court",
        Kind.PUNISHMENT: "punishment",
        Kind.ARREST: "arrest",
        Kind.POLICE: "the police",
        Kind.TROUBLE: "trouble",
    }[kind]
    if not positive:
        if kind is not Kind.COURT:
            return None
        if court:
            return "This says the child will not go to court, but after a charge they must go"
        if later and condition is Condition.NOT_DOING:
            return f"This says not doing them has no court consequence, but with {called}: {if_not}"
        if later and condition is Condition.NONE and not claim.possible:
            return (
                f"This says the child will not go to court, but with {called} they could be taken "
                "to court if the things agreed are not done"
            )
        return None
    # A bad thing is said to happen.
    if court:
        if kind is Kind.PUNISHMENT and not claim.possible:
            return "This says what the punishment will be, but only the youth court decides that"
        return None
    if condition is Condition.NOT_DOING:
        if later:
            if kind in {Kind.COURT, Kind.PUNISHMENT, Kind.ARREST} and not claim.possible:
                return (
                    f"This says it will happen for certain, but with {called} the police may (not "
                    f"must) act if the things agreed are not done: {if_not}"
                )
            return None
        if kind in {Kind.POLICE, Kind.TROUBLE} or disposal.work is not Work.NONE:
            return (
                f"This threatens {threat} if the child says no or stops, but for {called} the "
                f"catalogue says: {if_not}"
            )
        return f"This threatens {threat}, but after {called}: {if_not}"
    if condition is Condition.DOING and disposal.work is Work.NONE:
        return f"This threatens {threat}, but after {called}: {if_not}"  # "If you do it again"
    if condition is Condition.DOING:
        if kind in {Kind.POLICE, Kind.TROUBLE} and not later:
            return None
        return (
            f"This says {threat} follows even if the child does what was asked, but for {called} "
            "it does not"
        )
    # Said outright.
    if kind in {Kind.POLICE, Kind.TROUBLE}:
        if claim.words.startswith("police") and "action" in claim.words and not later:
            return f"This says the police will take more action, but after {called} they will not"
        return None
    if later:
        if claim.possible:
            return None
        return (
            f"This says {threat} will happen, but with {called} it could happen only if the things "
            "agreed are not done"
        )
    if kind is Kind.COURT:
        return f"This says the child will or could go to court, but {called} does not go to court"
    return f"This says {threat} will or could follow, but nothing in {called} leads to it"


def _record(claim: Claim, about: Disposal, disposal: Disposal) -> str | None:
    """Criminal record, conviction, caution: against the facts of the disposal spoken of."""
    fact = {
        Kind.CRIMINAL_RECORD: about.criminal_record,
        Kind.CONVICTION: about.conviction,
        Kind.CAUTION: about.caution,
    }[claim.kind]
    noun = {
        Kind.CRIMINAL_RECORD: "a criminal record",
        Kind.CONVICTION: "a conviction",
        Kind.CAUTION: "a caution",
    }[claim.kind]
    called = about.called
    if (
        about is disposal
        and claim.condition is Condition.NOT_DOING
        and disposal.court_if_not_done
        and claim.possible
        and claim.positive
    ):
        return None  # "If you do not do them you could end up with a conviction": if prosecuted
    if fact is None:
        if claim.possible:
            return None
        return f"This says whether it is {noun}, but after a charge only the youth court decides"
    says = f"The catalogue says: {about.record}"
    if claim.positive and not fact:
        return f"This says it is {noun}, but {called} is not {noun}. {says}"
    if not claim.positive and fact:
        return f"This says it is not {noun}, but {called} is. {says}"
    return None
