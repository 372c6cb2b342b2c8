"""RedFlagDetector: emergency, urgent and crisis messages get the safety reply whatever DIET says.

SAFETY.md: detection must not depend on the learned classifier alone. The project's spaCy
pipeline marks red-flag spans and cue spans (data/safety/red_flags.yml); this component
decides, without a learned model, whether a red flag is described as present:

- crisis language always counts, unless it is a figure of speech ("die of boredom");
- a risk factor counts only with the cue it needs ("a history of cancer, with new back pain"),
  or with either of two ("a crash, and now my feet tingle": pain or a nerve symptom); and, where
  marked, only when both are one person's ("My mum had cancer. I have back pain": no red flag);
- an emergency/urgent flag counts unless, in its own clause, it is denied ("no numbness in
  ...", "erections are normal") or said to have gone ("went away after surgery") with nothing
  present, or its sentence opens with a time in the past ("Prior to the surgery, ..."); or its
  sentence tells of a film or TV drama; or the message is a general question with nobody in it
  ("can a disc cause incontinence?") or is about an animal. A history of cancer counts even in
  the past;
- a question about one's own case (diagnosis, surgery, scans, doses) is `personal_advice`.

When in doubt it fires: recall before precision. It also takes back DIET's `emergency` for a
general question, an animal, or red-flag words that are all denied or in the past, and DIET's
`emergency` or `crisis` without red-flag or crisis words for an animal or a message that says
its trouble is past ("years ago ... fine since", "all gone now").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc, Span

from runtime.nlu.intents import SAFETY_INTENTS, demote_safety_intents, force_intent, intent_of
from runtime.nlu.safety_patterns import CUES_KEY, RED_FLAGS_KEY
from runtime.parse_data import OWN_CASE, RED_FLAGS, SAFETY_TIER_ENTITY, safety_tier

SENTENCE_ENDS = {".", "!", "?"}
PHYSICAL_TIERS = ("emergency", "urgent")
NEGATION_WINDOW = 10  # tokens before a red flag, within its clause: "don't have X or Y"
DENIAL_WINDOW = 3  # tokens after it searched for "fine", "normal"
LONG_STANDING = "long_standing"  # the `unless` cue that a new symptom overrides
SENTENCE_OPENING = 3  # tokens in which a time frame opens a sentence: "So, years ago, ..."
OTHER_PEOPLE = ("companion", "third_person")  # cues naming someone other than the writer


@dataclass(frozen=True)
class RedFlag:
    flag: str
    tier: str
    text: str


@dataclass(frozen=True)
class Cues:
    """Token positions of each cue in a doc."""

    positions: Dict[str, set]

    @classmethod
    def of(cls, doc: Doc) -> Cues:
        positions: Dict[str, set] = {}
        for span in doc.spans.get(CUES_KEY, []):
            # a boundary is where a clause ends; its words after the first ("so I", "- I'm")
            # open the next clause
            end = span.start + 1 if span.label_ == "boundary" else span.end
            positions.setdefault(span.label_, set()).update(range(span.start, end))
        # "it's gone weak", "isn't wearing off": no word of it gone
        for gone in ("gone", "resolved"):
            positions[gone] = positions.get(gone, set()) - positions.get("not_gone", set())
        return cls(positions)

    def at(self, cue: str) -> set:
        return self.positions.get(cue, set())

    def any_of(self, *cues: str) -> set:
        return set().union(*(self.at(cue) for cue in cues))

    def anywhere(self, cue: str) -> bool:
        return bool(self.at(cue))

    def said_now(self) -> set:
        """Words that say now, recently or newly ("at the moment", "since yesterday", "suddenly")."""
        return self.any_of("present", "recent", "new_onset")

    def sentence(self, doc: Doc, start: int, end: int) -> range:
        """The tokens between the sentence ends (. ! ?) around start..end."""
        ends = [token.i for token in doc if token.text in SENTENCE_ENDS]
        left = max((e for e in ends if e < start), default=-1) + 1
        right = min((e for e in ends if e >= end), default=len(doc))
        return range(left, right)

    def reply_opening(self, doc: Doc, sentence: range) -> range:
        """The first tokens of the sentence after `sentence`, where a short reply to it starts:
        "I had a fever last week. All better now"."""
        if sentence.stop >= len(doc):
            return range(0)
        following = self.sentence(doc, sentence.stop + 1, sentence.stop + 1)
        return range(following.start, min(following.start + SENTENCE_OPENING, following.stop))

    def clause(self, start: int, end: int, length: int) -> range:
        """The tokens between the boundaries around start..end."""
        boundaries = self.at("boundary")
        left = max((b for b in boundaries if b < start), default=-1) + 1
        right = min((b for b in boundaries if b >= end), default=length)
        return range(left, right)


@dataclass
class Assessment:
    intent: Optional[str] = None  # emergency, crisis, personal_advice, or None
    flags: List[RedFlag] = field(default_factory=list)
    no_red_flag_described: bool = False  # a general question or an animal: DIET's emergency is wrong
    about_animal: bool = (
        False  # without crisis words, DIET's crisis is wrong too ("my cat cant jump anymore")
    )
    # "years ago ... fine since", "all gone now" and no red-flag words: DIET's emergency or crisis
    # is wrong too (every safety corpus's DIET-only alarms with these words were near misses)
    said_to_be_past: bool = False


def is_denied(cues: Cues, clause: range, start: int, end: int) -> bool:
    """Denied ("no numbness", "erections are normal"; asked and answered, "Any fever? No."), only
    mentioned ("my physio mentioned foot drop"), limited ("can't walk far": a walking distance,
    not legs that fail) or tired from a workout with no word of now ("legs like jelly after that
    spin class"; "after the gym this morning" still counts)."""
    before = range(max(start - NEGATION_WINDOW, clause.start), start)
    after = set(range(end, min(end + DENIAL_WINDOW, clause.stop)))
    now = cues.said_now()
    return (
        # the "not" of "cannot" or "not able to" is a symptom: "I cannot raise the front of my foot"
        bool((cues.at("negation") - cues.at("unable")) & set(before))
        or is_answered_no(cues, clause, end)
        or bool((cues.at("denied_after") - cues.at("failing")) & after)
        or bool(cues.at("limited_after") & after)
        or (bool(cues.at("workout_after") & after) and not now & set(clause))
        or bool(cues.at("mention") & set(clause))
        or is_only_reported(cues, clause)
    )


def is_only_reported(cues: Cues, clause: range) -> bool:
    """Someone's story ("my friend said he had foot drop"), with no word of now or new in its
    clause: "he suddenly said he had a tearing pain" is the person the writer is with, now."""
    now = cues.said_now()
    return bool(cues.at("reported") & set(clause)) and not now & set(clause)


def is_answered_no(cues: Cues, clause: range, end: int) -> bool:
    """Asked and answered no just after it ("Any fever? No."), with no word of now in its own
    clause: "numb down there since lunch? no, since breakfast" corrects, it does not deny."""
    answered = bool(cues.at("answered_no") & set(range(end, end + DENIAL_WINDOW)))
    return answered and not (cues.at("present") | cues.at("recent")) & set(clause)


def is_in_the_past(doc: Doc, cues: Cues, clause: range, sentence: range, told_after: set) -> bool:
    """Said to be past in its own clause ("years ago"), or to have gone after it in its sentence
    ("had a fever last week, all better now") or at the start of the next ("... last week. All
    better now."), `told_after`; with nothing present in its own clause and nothing come back. A
    present word inside such a phrase ("better now") does not count as present. What comes after
    a word of it gone is not what went: "it's gone now but I can't pee"."""
    past = cues.at("resolved") | cues.at("gone")
    said_gone = bool(cues.at("gone") & told_after)
    # "had a fever two days ago, gone now": once it is said to have gone, when it started does
    # not make it present; only words of it going on ("still", "now") do
    present = cues.at("present") if said_gone else cues.at("present") | cues.at("recent")
    said_past = said_gone or bool(cues.at("resolved") & set(clause))
    said_past_here = said_past and not (present - past) & set(clause)
    dated = is_set_in_the_past(cues, sentence) or is_dated_in_the_past(cues, clause, sentence)
    return (said_past_here or dated) and not has_returned(doc, cues)


def is_set_in_the_past(cues: Cues, sentence: range) -> bool:
    """The sentence opens with a time in the past ("Prior to the surgery, I could not stand up
    straight") and no word of now is anywhere in it ("Last year I fell, and since then ...")."""
    opening = range(sentence.start, min(sentence.start + SENTENCE_OPENING, sentence.stop))
    opens_in_the_past = bool(cues.at("past_opening") & set(opening))
    return opens_in_the_past and not words_of_now(cues) & set(sentence)


def is_dated_in_the_past(cues: Cues, clause: range, sentence: range) -> bool:
    """Told in the past tense with a past time in its sentence and no word of now there: "I had
    chills and a temperature with covid in January" ("I had a fall in January and now ..." is
    now)."""
    return (
        bool(cues.at("past_tense") & set(clause))
        and bool(cues.at("resolved") & set(sentence))
        and not words_of_now(cues) & set(sentence)
    )


def words_of_now(cues: Cues) -> set:
    """Words that say now or recently, except inside a phrase of it gone ("better now")."""
    return cues.any_of("present", "recent") - cues.any_of("resolved", "gone")


def has_returned(doc: Doc, cues: Cues) -> bool:
    """Came back ("it's back again"); "never fully came back" is no return, nor one asked about
    ("can a herniation come back?")."""
    returned = cues.at("returned") - cues.at("gone")
    return any(not is_asked_of_nobody(doc, cues, i) for i in returned)


def is_asked_of_nobody(doc: Doc, cues: Cues, position: int) -> bool:
    """In a clause that asks, with nobody in it: "..., can a herniation come back?"."""
    clause = cues.clause(position, position + 1, len(doc))
    people = cues.any_of("writer", "first_person", *OTHER_PEOPLE)
    return opens_as_question(doc, cues, clause.start) and not people & set(clause)


def opens_as_question(doc: Doc, cues: Cues, position: int) -> bool:
    """A question word at `position`; "cannot urinate", "can't feel my legs" are statements."""
    is_statement = position + 1 < len(doc) and doc[position + 1].lemma_ == "not"
    return position in cues.at("question_start") and not is_statement


def is_general_question(doc: Doc, cues: Cues) -> bool:
    """A message that starts with a question word and has no person in it, nor a word of now
    after its opening sentence: "what does it mean when your knee gives out? happened twice
    today" is the writer's."""
    people = ("first_person", "companion", "third_person")
    opening = cues.sentence(doc, 0, 1)
    said_now = cues.said_now() - set(opening)
    return opens_as_question(doc, cues, 0) and not any(cues.anywhere(cue) for cue in people) and not said_now


def is_asked_in_general(doc: Doc, cues: Cues, sentence: range) -> bool:
    """A question of its own with nobody in it, among the writer's other sentences, none of which
    says anything is now or new: "Can sciatica affect both legs? Mine's only ever been in my left
    leg". A message that is one such question is `is_general_question`'s."""
    asked = sentence.stop < len(doc) and doc[sentence.stop].text == "?"
    others = (set(range(len(doc))) - set(sentence)) - {sentence.stop}
    now = cues.said_now()
    return (
        asked
        and bool(others)
        and opens_as_question(doc, cues, sentence.start)
        and is_nobodys(doc, cues, sentence.start)
        and not now & others
        # "what causes a tearing pain that started suddenly? I'm 68": a question of its own case
        and not (cues.at("present") & set(sentence) and cues.at("writer") & others)
    )


def is_the_animals(doc: Doc, cues: Cues, span: Span) -> bool:
    """Told of an animal named before it in its sentence, with no person the writer knows in that
    sentence and no word of the writer's since the animal: "my dog ... is a bit wobbly on his back
    legs" (but not "walking the dog, then my legs gave way", nor "my husband walked the dog and
    now his legs are numb")."""
    sentence = cues.sentence(doc, span.start, span.end)
    animals = [i for i in cues.at("animal") if sentence.start <= i < span.start]
    if not animals or cues.at("companion") & set(sentence):
        return False
    return not cues.any_of("writer", "self") & set(range(max(animals), span.end))


def is_present(doc: Doc, cues: Cues, span: Span, history_counts: bool) -> bool:
    clause = cues.clause(span.start, span.end, len(doc))
    if is_denied(cues, clause, span.start, span.end):
        return False
    sentence = cues.sentence(doc, span.start, span.end)
    if cues.at("fiction") & set(sentence) or is_asked_in_general(doc, cues, sentence):
        return False
    if cues.at("denied_all") & set(range(span.end, sentence.stop)):
        return False
    if is_the_animals(doc, cues, span):
        return False
    told_after = set(range(span.start, sentence.stop)) | set(cues.reply_opening(doc, sentence))
    return history_counts or not is_in_the_past(doc, cues, clause, sentence, told_after)


def has_undenied(doc: Doc, cues: Cues, cue: str) -> bool:
    """The cue is somewhere in the message and not denied there ("no back pain at all")."""
    return any(not is_denied(cues, cues.clause(i, i + 1, len(doc)), i, i + 1) for i in sorted(cues.at(cue)))


@dataclass(frozen=True)
class Label:
    """A red-flag span's flag, whether its history counts, the cues it needs anywhere in the
    message (each a choice: any one of its cues will do, "pain|nerves"), and the cues that take
    it back when said in its sentence."""

    flag: RedFlag
    history: bool
    needs: List[Tuple[str, ...]]
    unless: List[str]
    same_person_as: Optional[str] = None


def parse_label(span: Span) -> Label:
    tier, flag, *options = span.label_.split(":")

    def cues(prefix: str) -> List[str]:
        return [option.removeprefix(prefix) for option in options if option.startswith(prefix)]

    needs = [tuple(need.split("|")) for need in cues("with-")]
    same_person_as = next(iter(cues("same-")), None)
    return Label(RedFlag(flag, tier, span.text), "history" in options, needs, cues("unless-"), same_person_as)


def is_taken_back(doc: Doc, cues: Cues, label: Label) -> bool:
    """An `unless` cue anywhere in the message, not denied and not part of a red-flag phrase of
    the same flag: "lost 20 pounds on a diet", but not "lost 20 pounds, not dieting" nor "I
    haven't been dieting". A long time counts only when nothing is said to be new: "foot drop
    for years" is no sudden drop, "for years, but since yesterday it drags" is."""
    says_it_is_new = cues.anywhere("new_onset") or cues.anywhere("recent")
    unless = [cue for cue in label.unless if not (cue == LONG_STANDING and says_it_is_new)]
    own_phrases = {
        i
        for span in doc.spans.get(RED_FLAGS_KEY, [])
        if parse_label(span).flag.flag == label.flag.flag
        for i in range(span.start, span.end)
    }
    return any(
        not is_denied(cues, cues.clause(i, i + 1, len(doc)), i, i + 1)
        for cue in unless
        for i in sorted(cues.at(cue) - own_phrases)
    )


def is_someone_elses(doc: Doc, cues: Cues, span: Span, label: Label) -> bool:
    """A risk factor told of someone else ("My mum had breast cancer": another person named
    before it in its sentence, no `self` word in its clause and no `me_too` in its sentence)
    while every mention of the cue it goes with, not denied and not in a general question, is the
    writer's ("I have lower back pain"): her cancer is no risk factor of his back pain. With no
    such mention it still counts."""
    if not label.same_person_as:
        return False
    sentence = cues.sentence(doc, span.start, span.end)
    clause = cues.clause(span.start, span.end, len(doc))
    # "our neighbour lost weight and it turned out to be cancer, now I'm paranoid": the writer
    # speaks in another clause; "my mum had cancer, as did I" is the writer's too
    told_of_other = (
        bool(cues.any_of(*OTHER_PEOPLE) & set(range(sentence.start, span.end)))  # "My dad fell": one span
        and not cues.at("self") & set(clause)
        and not cues.at("me_too") & set(sentence)
    )
    if not told_of_other:
        return False
    mentions = [
        i
        for i in mentions_of(doc, cues, label.same_person_as)
        if not is_denied(cues, cues.clause(i, i + 1, len(doc)), i, i + 1)
    ]
    return bool(mentions) and all(is_the_writers(doc, cues, i) for i in mentions)


def is_an_old_story(doc: Doc, cues: Cues, label: Label) -> bool:
    """A risk factor whose history counts, with every mention of the pain it goes with in a
    sentence set in the past: "Years ago my mum had back pain that turned out to be from her
    breast cancer" has no new back pain ("I had cancer years ago and now new back pain" has)."""
    if not (label.history and label.same_person_as):
        return False
    mentions = mentions_of(doc, cues, label.same_person_as)
    return bool(mentions) and all(is_set_in_the_past(cues, cues.sentence(doc, i, i + 1)) for i in mentions)


def mentions_of(doc: Doc, cues: Cues, cue: str) -> List[int]:
    """The positions of a cue, in order, except those in a general question with nobody in it
    ("Can osteoporosis cause back pain?" mentions nobody's back pain)."""
    return [i for i in sorted(cues.at(cue)) if not is_nobodys(doc, cues, i)]


def is_the_writers(doc: Doc, cues: Cues, position: int) -> bool:
    """Whether the person named nearest before `position` in its sentence is the writer ("my own
    back is sore from carrying her") rather than someone else ("now his back hurts", "we both
    have back pain": not the writer alone). Nobody named before it: whose it is stays open
    ("Back pain started last week, I'm worried"), so it is not the writer's."""
    sentence = cues.sentence(doc, position, position + 1)
    writer, people = cues.at("writer"), cues.any_of("writer", *OTHER_PEOPLE)
    before = [i for i in range(position - 1, sentence.start - 1, -1) if i in people]
    return bool(before) and before[0] in writer


def is_nobodys(doc: Doc, cues: Cues, position: int) -> bool:
    """In a general question with nobody in it: "Can osteoporosis cause back pain?"."""
    sentence = cues.sentence(doc, position, position + 1)
    people = cues.any_of("writer", "first_person", *OTHER_PEOPLE)
    return sentence.start in cues.at("question_start") and not people & set(sentence)


def is_own_case(cues: Cues) -> bool:
    """The message speaks of the writer's own case, or of someone they are with ("I have a
    herniated disc", "my husband's scan"): a general answer gets a word that a specialist can
    say what fits their case."""
    return cues.anywhere("first_person") or cues.anywhere("companion")


def is_figure_of_speech(cues: Cues, span: Span) -> bool:
    """Crisis words inside an idiom ("going to die of boredom"); any other crisis wording in the
    message still counts. "I'm not suicidal" does too: said unasked, it is a reason to offer help."""
    return bool(set(range(span.start, span.end)) & cues.at("idiom"))


def assess(doc: Doc, cues: Optional[Cues] = None) -> Assessment:
    cues = cues or Cues.of(doc)
    flags = []
    for span in doc.spans.get(RED_FLAGS_KEY, []):
        label = parse_label(span)
        needs_met = all(any(has_undenied(doc, cues, cue) for cue in choice) for choice in label.needs)
        if (
            needs_met
            and not is_taken_back(doc, cues, label)
            and not is_someone_elses(doc, cues, span, label)
            and not is_an_old_story(doc, cues, label)
        ):
            flags.append((span, label.flag, label.history))

    crisis = [f for span, f, _ in flags if f.tier == "crisis" and not is_figure_of_speech(cues, span)]
    if crisis:
        return Assessment("crisis", crisis)

    about_animal = cues.anywhere("animal") and not (cues.anywhere("self") or cues.anywhere("companion"))
    # no person at all ("The dog is old. She can't walk."); with one, each flag is looked at
    only_an_animal = cues.anywhere("animal") and not cues.any_of("self", "writer", "companion")
    candidates = [(span, f, history) for span, f, history in flags if f.tier in PHYSICAL_TIERS]
    # a message with nobody in it: only the red flags of its opening question are asked about
    # ("What is cauda equina?"), not those said after it ("Can you help? both legs numb")
    general = is_general_question(doc, cues)
    physical = [
        f
        for span, f, history in candidates
        if is_present(doc, cues, span, history)
        and not (general and opens_as_question(doc, cues, cues.sentence(doc, span.start, span.end).start))
    ]
    # Red-flag words that are all denied or past ("no chest pain and no fever") are evidence
    # against DIET's emergency, just like a general question is.
    all_denied = bool(candidates) and not physical
    no_red_flag_described = general or only_an_animal or all_denied
    if physical and not only_an_animal:
        return Assessment("emergency", _distinct(physical))
    # or the event DIET reacts to is denied: "I didn't fall", "I'm not in any crisis"
    said_to_be_past = (
        (cues.anywhere("gone") or cues.anywhere("resolved")) and not has_returned(doc, cues)
    ) or cues.anywhere("denied_event")
    found = Assessment(
        no_red_flag_described=no_red_flag_described,
        about_animal=about_animal,
        said_to_be_past=said_to_be_past,
    )
    if any(f.tier == "personal_advice" for _, f, _ in flags):
        found.intent = "personal_advice"
    return found


def _distinct(flags: List[RedFlag]) -> List[RedFlag]:
    """One entry per flag, emergency tier first."""
    by_flag: Dict[str, RedFlag] = {}
    for f in flags:
        by_flag.setdefault(f.flag, f)
    return sorted(by_flag.values(), key=lambda f: PHYSICAL_TIERS.index(f.tier))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagDetector:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            cues = Cues.of(doc)
            assessment = assess(doc, cues)
            if assessment.intent:
                force_intent(message, assessment.intent)
            elif intent_of(message) in self._unsupported_intents(assessment):
                demote_safety_intents(message)
            message.set(
                RED_FLAGS,
                [f.__dict__ for f in assessment.flags],
                add_to_output=True,
            )
            message.set(OWN_CASE, is_own_case(cues), add_to_output=True)
            if intent_of(message) == "emergency":
                self._mark_tier(message)
        return messages

    @staticmethod
    def _mark_tier(message: Message) -> None:
        """The tier as an entity: its slot picks the emergency or urgent wording of
        utter_emergency in the Rasa server, with no action server involved."""
        tier = safety_tier({INTENT: message.get(INTENT), RED_FLAGS: message.get(RED_FLAGS)})
        text = message.get(TEXT) or ""
        entity = {
            ENTITY_ATTRIBUTE_TYPE: SAFETY_TIER_ENTITY,
            ENTITY_ATTRIBUTE_VALUE: tier,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            EXTRACTOR: RedFlagDetector.__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)

    @staticmethod
    def _unsupported_intents(assessment: Assessment) -> tuple:
        """Classifier predictions the patterns contradict."""
        if assessment.about_animal or assessment.said_to_be_past:
            return SAFETY_INTENTS
        return ("emergency",) if assessment.no_red_flag_described else ()
