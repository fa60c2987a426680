"""`make follow-up-probe`: two-message conversations through the trained model, as a user has them.

The NLU reads one message at a time; what a follow-up ("and how much does it cost?") gets
depends on the conversation, which `make nlu-report` cannot see. Each case below is a first
question, answered, then a second message; the probe runs both through Rasa's dialogue (the
model of `make model`, in memory: no server, no action server) and prints what the bot did with
the second: asked back about the answer (action_clarify, action_out_of_scope, which ask back
about the answered topic: actions/clarify.py), answered a topic, or something else.

Follow-ups are written by us, not collected from users; the topic switches check that a second
question with a topic of its own is still answered.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogue.history import ASKED_BACK_ACTIONS as ASKED_BACK  # noqa: E402
from dialogue.history import Turn, offered_before, session_turns  # noqa: E402
from scripts.model import ensure_model  # noqa: E402

# (first question, follow-up that names no topic of its own)
FOLLOW_UPS = [
    ("me rechazaron el asilo, puedo volver a pedirlo?", "y cuanto tarda?"),
    ("can I see a doctor without papers?", "and how much does it cost?"),
    ("kagitlarim yok, hastaneye gidebilir miyim? cocugum hasta", "peki para odemem gerekiyor mu"),
    ("mag ik zonder papieren naar de huisarts?", "moet ik betalen?"),
    ("هل يمكنني الذهاب إلى الطبيب بدون أوراق؟", "وكم يكلف؟"),
    ("можно ли пойти к врачу без документов?", "а сколько это стоит?"),
    ("how can I go back home with IOM?", "what about my children?"),
    ("where can I sleep tonight? I have no place", "where?"),
    ("can I see a doctor without papers", "is it free?"),
    ("i want to apply for voluntary return", "what if they say no?"),
    ("est-ce que je peux travailler sans papiers?", "et combien d'heures?"),
    ("آیا بدون مدرک میتونم کار کنم؟", "کجا؟"),
    ("how can I go back home with IOM?", "how long does it take?"),
    ("Ma shaqeyn karaa anigoo aan sharci haysan?", "intee lacag ah?"),
    ("can i get a lawyer for free?", "and where?"),
]

# (first message, one the model is unsure of, follow-up typed instead of pressing a button).
# "I have a problem (with my papers)" was one until it got an answer of its own (need_help).
AFTER_QUESTION_BACK = [
    ("what about my case?", "how long does it take?"),
    ("a question about my papers", "how much money?"),
    ("vraag over mijn papieren", "moet ik betalen?"),
    ("c'est pour mes papiers", "et combien de temps?"),
    ("waraaqahayga ku saabsan", "intee lacag ah?"),
    ("я получил письмо", "а на сколько дней?"),
]

# (first question, second question with a topic of its own, the topic it must get)
SWITCHES = [
    ("can I see a doctor without papers?", "and where can i sleep tonight?", "housing_shelter"),
    ("how can I go back home with IOM?", "can i work without papers?", "work_income"),
    ("can I see a doctor without papers?", "can police lock me up in detention?", "detention"),
    ("can I see a doctor without papers?", "help my friend is not breathing", "emergency"),
    ("me rechazaron el asilo, puedo volver a pedirlo?", "y donde puedo dormir esta noche?", "housing_shelter"),
]


async def conversation(agent, sender: str, first: str, second: str) -> tuple[str, list[str], list[Turn]]:  # type: ignore[no-untyped-def]
    """The NLU's reading of the second message, the bot's actions after it, and the
    conversation's turns as dialogue/history.py reads them."""
    from rasa.core.channels.channel import UserMessage

    for text in (first, second):
        await agent.handle_message(UserMessage(text, sender_id=sender, metadata={"language": "en"}))
    tracker = await agent.tracker_store.retrieve(sender)
    actions: list[str] = []
    for event in reversed(tracker.events):
        if event.type_name == "user":
            break
        if event.type_name == "action" and event.action_name != "action_listen":
            actions.insert(0, event.action_name)
    turns = session_turns(event.as_dict() for event in tracker.events)
    return str(tracker.latest_message.intent.get("name")), actions, turns


async def main() -> int:
    # No action server runs here: Rasa logs an error for each custom action it cannot call. What
    # the probe wants is which action the dialogue chose, which the tracker records all the same.
    logging.disable(logging.CRITICAL)
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.CRITICAL)
    agent = Agent.load(str(ensure_model(quiet=True)))
    asked_back = 0
    for n, (first, second) in enumerate(FOLLOW_UPS):
        intent, actions, _ = await conversation(agent, f"probe-f{n}", first, second)
        asked_back += any(a in ASKED_BACK for a in actions)
        print(f"follow-up\t{second}\tread as {intent}\t-> {' '.join(actions)}")
    again, unsure_first = 0, 0
    for n, (first, second) in enumerate(AFTER_QUESTION_BACK):
        intent, actions, turns = await conversation(agent, f"probe-q{n}", first, second)
        unsure_first += turns[0].asked_back
        offered = offered_before(turns)
        again += bool(offered) and any(a in ("action_clarify_follow_up", "action_out_of_scope") for a in actions)
        print(f"after asked back\t{second}\tread as {intent}\t-> {' '.join(actions)}, offered again: {offered}")
    answered = 0
    for n, (first, second, topic) in enumerate(SWITCHES):
        intent, actions, _ = await conversation(agent, f"probe-s{n}", first, second)
        answered += actions[:1] == [f"utter_{topic}"]
        print(f"new topic\t{second}\tread as {intent}\t-> {' '.join(actions)}")
    print(
        f"\n{asked_back} of {len(FOLLOW_UPS)} follow-ups asked back about the answer before them; "
        f"{again} of {len(AFTER_QUESTION_BACK)} follow-ups of a question back ({unsure_first} of the first "
        f"messages asked back, as they must be) offered that question's topics again; "
        f"{answered} of {len(SWITCHES)} new questions answered with their topic."
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
