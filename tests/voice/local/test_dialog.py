"""The lead-qualification dialog, driven with recognised words (no audio)."""

import pytest

from callcenter.voice.providers.local.dialog import QUESTIONS, Dialog, State

CALLER_ID = "+14155550101"

HAPPY_PATH = [
    ("my name is dana reyes", State.BUSINESS, "Nice to meet you, Dana", []),
    ("we run a plumbing company", State.NEED, "plumbing company", []),
    (
        "we need someone to answer our phones after hours",
        State.EMAIL,
        QUESTIONS[State.EMAIL],
        [
            (
                "save_lead_details",
                {
                    "name": "Dana Reyes",
                    "business_type": "plumbing company",
                    "need": "We need someone to answer our phones after hours",
                },
            )
        ],
    ),
    ("dana at reyes plumbing dot com", State.EMAIL_CONFIRM, "d, a, n, a, at reyes plumbing", []),
    (
        "yes",
        State.PHONE_CONFIRM,
        "4 1 5, 5 5 5, 0 1 0 1",
        [("save_lead_details", {"email": "dana@reyesplumbing.com"})],
    ),
    (
        "yeah",
        State.DONE,
        "Goodbye",
        [("save_lead_details", {"phone": CALLER_ID}), ("end_call", {"reason": "lead captured"})],
    ),
]


def _dialog(**kwargs: str) -> Dialog:
    return Dialog(company="Acme", caller_number=kwargs.get("caller", CALLER_ID))


def test_the_opening_greets_for_the_company_and_asks_the_name() -> None:
    turn = _dialog().opening()
    assert "Thanks for calling Acme" in turn.say and turn.say.endswith(QUESTIONS[State.NAME])
    assert turn.tools == []


def test_outbound_opening_names_the_lead() -> None:
    dialog = Dialog(company="Acme", direction="outbound", lead_name="Dana")
    assert dialog.opening().say.startswith("Hi, Dana! This is the virtual assistant calling")


def test_a_cooperative_caller_is_walked_through_every_question() -> None:
    dialog = _dialog()
    dialog.opening()
    for words, state, said, tools in HAPPY_PATH:
        turn = dialog.on_utterance(words)
        assert dialog.state is state, words
        assert said in turn.say, (words, turn.say)
        assert turn.tools == tools, words
    assert dialog.finished


@pytest.mark.parametrize(
    ("state", "words", "next_state", "said"),
    [
        (State.NAME, "", State.NAME, "Sorry, I didn't catch that. May I have your name"),
        (State.NAME, "this is doctor susan lee", State.BUSINESS, "Nice to meet you, Susan"),
        (State.BUSINESS, "it's a dental clinic", State.NEED, "A dental clinic, great"),
        (State.EMAIL, "peter dot garcia at gmail dot com", State.EMAIL_CONFIRM,
         "p, e, t, e, r, dot"),
        (State.EMAIL_CONFIRM, "no", State.EMAIL_SPELL, QUESTIONS[State.EMAIL_SPELL]),
        (State.EMAIL_SPELL, "d a n a at r e y e s dot c o m", State.EMAIL_CONFIRM,
         "d, a, n, a, at"),
        (State.PHONE_CONFIRM, "no", State.PHONE, QUESTIONS[State.PHONE]),
        (State.PHONE, "five five five one two three four five six seven", State.PHONE_READBACK,
         "5 5 5, 1 2 3, 4 5 6 7"),
        (State.PHONE_READBACK, "nope", State.PHONE, "Let's try again"),
        (State.PHONE, "one two", State.PHONE, "didn't catch that"),
    ],
)  # fmt: skip
def test_each_state_understands_its_answer(
    state: State, words: str, next_state: State, said: str
) -> None:
    dialog = _dialog()
    dialog.lead.name = "Peter Garcia"  # earlier answers: emails are heard around them
    dialog.state = state
    turn = dialog.on_utterance(words)
    assert dialog.state is next_state
    assert said in turn.say


def test_a_new_number_is_read_back_and_saved_in_e164() -> None:
    dialog = _dialog()
    dialog.state = State.PHONE
    dialog.on_utterance("five five five one two three four five six seven")
    turn = dialog.on_utterance("yes")
    assert turn.tools[0] == ("save_lead_details", {"phone": "+15551234567"})
    assert turn.ends_call


def test_without_a_caller_id_the_agent_asks_for_a_number() -> None:
    dialog = Dialog(company="Acme")
    dialog.state = State.EMAIL_CONFIRM
    dialog.lead.email = "a@b.com"
    assert dialog.on_utterance("yes").say.endswith(QUESTIONS[State.PHONE])


def test_repeat_that_says_the_last_turn_again_without_moving_on() -> None:
    dialog = _dialog()
    dialog.opening()
    asked = dialog.on_utterance("my name is dana reyes").say
    assert dialog.on_utterance("can you repeat that").say == asked
    assert dialog.state is State.BUSINESS


def test_silence_prompts_twice_then_the_agent_says_goodbye_and_hangs_up() -> None:
    dialog = _dialog()
    dialog.opening()
    first, second, third = dialog.on_silence(), dialog.on_silence(), dialog.on_silence()
    assert first.say.startswith("Are you still there? May I have your name")
    assert second.say.startswith("Are you still there?")
    assert third.ends_call and dialog.finished


def test_speaking_resets_the_silence_count() -> None:
    dialog = _dialog()
    dialog.on_silence()
    dialog.on_silence()
    dialog.on_utterance("my name is dana")
    assert not dialog.on_silence().ends_call


def test_an_email_the_lead_store_rejects_is_asked_for_again_letter_by_letter() -> None:
    dialog = _dialog()
    dialog.state = State.PHONE_CONFIRM
    turn = dialog.on_tool_result("save_lead_details", '{"ok": false, "error": "email: invalid"}')
    assert turn is not None and QUESTIONS[State.EMAIL_SPELL] in turn.say
    assert dialog.state is State.EMAIL_SPELL


def test_an_accepted_save_needs_no_reaction() -> None:
    assert _dialog().on_tool_result("save_lead_details", '{"ok": true}') is None


def test_after_goodbye_anything_the_caller_says_ends_the_call_again() -> None:
    dialog = _dialog()
    dialog.state = State.DONE
    assert dialog.on_utterance("wait one more thing").ends_call


def test_repeated_misunderstanding_hands_over_to_the_team() -> None:
    dialog = _dialog()
    turns = [dialog.on_utterance("") for _ in range(4)]
    assert not turns[2].ends_call and turns[3].ends_call


def test_an_email_of_words_the_caller_never_said_is_spelled_rather_than_saved() -> None:
    dialog = _dialog()
    for words in ("my name is dana reyes", "we run a tire shop", "we need more leads"):
        dialog.on_utterance(words)
    turn = dialog.on_utterance("lisa at bright smile dot com")
    assert dialog.state is State.EMAIL_SPELL
    assert "spell" in turn.say and not turn.tools
    assert dialog.lead.email == ""


def test_an_email_from_the_callers_name_and_trade_is_read_back() -> None:
    dialog = _dialog()
    for words in ("my name is dana reyes", "we run a tire shop", "we need more leads"):
        dialog.on_utterance(words)
    turn = dialog.on_utterance("dana at reyes tires dot com")  # "tires": the trade's plural
    assert dialog.state is State.EMAIL_CONFIRM
    assert "d, a, n, a, at reyes tires" in turn.say


def test_a_wrong_read_back_is_corrected_by_spelling_again() -> None:
    dialog = _dialog()
    dialog.lead.name = "Dana Reyes"
    dialog.state = State.EMAIL_SPELL
    dialog.on_utterance("d a m a at g mail dot com")
    assert dialog.state is State.EMAIL_CONFIRM
    turn = dialog.on_utterance("no")
    assert dialog.state is State.EMAIL_SPELL and "spell" in turn.say
    dialog.on_utterance("d as in delta a n a at g mail dot com")
    turn = dialog.on_utterance("yes")
    assert ("save_lead_details", {"email": "dana@gmail.com"}) in turn.tools


def test_an_address_turned_down_three_times_is_left_for_the_team_not_saved() -> None:
    dialog = _dialog()
    for words in ("my name is dana reyes", "we run a tire shop", "we need more leads"):
        dialog.on_utterance(words)
    dialog.on_utterance("dana at reyes tires dot com")
    for _ in range(2):
        turn = dialog.on_utterance("no")
        assert dialog.state is State.EMAIL_SPELL and "spell" in turn.say
        turn = dialog.on_utterance("d a m a at r e y e s dot c o m")
        assert dialog.state is State.EMAIL_CONFIRM and "d, a, m, a" in turn.say
    turn = dialog.on_utterance("no")
    assert dialog.state is State.PHONE_CONFIRM
    assert "confirm it with you" in turn.say and "calling from" in turn.say
    assert not turn.tools  # nothing saved for the address
    assert dialog.lead.email == ""
    dialog.on_utterance("yes")
    assert dialog.state is State.DONE


def test_an_address_that_cannot_be_spelled_is_left_for_the_team_and_the_call_goes_on() -> None:
    dialog = _dialog()
    dialog.lead.name = "Dana Reyes"
    dialog.state = State.EMAIL_SPELL
    turn = dialog.on_utterance("two w a y at yahoo u f v i l a oh co at l co")
    assert dialog.state is State.EMAIL_SPELL and "didn't catch" in turn.say
    turn = dialog.on_utterance("oh w a y at p at p eight oh r m at e oh at at")
    assert dialog.state is State.PHONE_CONFIRM and not turn.ends_call
    assert "confirm it with you" in turn.say and not turn.tools


def test_an_answer_taken_back_is_answered_again_whole() -> None:
    # "my name is troy" taken for a whole name, then "… quinn": the dialog is back on the name
    # question, not on to the business with "quinn" as the answer.
    dialog = _dialog()
    dialog.opening()
    dialog.on_utterance("my name is mike reed")
    assert dialog.state is State.BUSINESS
    dialog.take_back()
    assert dialog.state is State.NAME and dialog.lead.name == ""
    turn = dialog.on_utterance("my name is dana reyes")
    assert dialog.state is State.BUSINESS and dialog.lead.name == "Dana Reyes"
    assert turn.say.startswith("Nice to meet you, Dana.")


def test_a_whole_answer_is_kept_quietly_only_when_the_reply_stands() -> None:
    dialog = _dialog()
    dialog.opening()
    dialog.on_utterance("my name is dana")
    said = dialog.last_said
    turn = dialog.revise("my name is dana reyes")  # "Nice to meet you, Dana." either way
    assert turn is not None and turn.say == said
    assert dialog.lead.name == "Dana Reyes" and dialog.state is State.BUSINESS
    # A reply the caller is hearing that the whole answer would change is not contradicted.
    assert dialog.revise("my name is peter garcia") is None
    assert dialog.lead.name == "Dana Reyes" and dialog.state is State.BUSINESS
    assert dialog.last_said == said
