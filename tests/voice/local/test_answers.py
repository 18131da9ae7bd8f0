"""The caller's answers as the local session tracks them: a pause, the rest, and take-backs."""

from callcenter.voice.providers.local.answers import CallerAnswers


def test_an_answer_heard_and_answered() -> None:
    answers = CallerAnswers()
    answers.speech_began(resumes=False)
    assert answers.speech_ended("my name is dana", "item_1") == "my name is dana"
    assert not answers.finishes_answered
    assert answers.take() == "my name is dana"
    assert answers.replying() is False  # nothing to take back
    assert answers.take() is None  # used up


def test_the_rest_after_a_pause_finishes_the_answer_already_replied_to() -> None:
    answers = CallerAnswers()
    answers.speech_began(resumes=False)
    answers.speech_ended("my name is kevin", "item_1")
    assert answers.take() == "my name is kevin"
    answers.replying()
    # The caller goes on; the listener hears the whole answer again.
    answers.speech_began(resumes=True)
    assert answers.speech_ended("my name is kevin patel", "item_2") == "patel"  # only what's new
    assert answers.item == "item_1"  # the same answer, by its first stretch's name
    assert answers.finishes_answered
    assert answers.take() == "my name is kevin patel"
    assert answers.replying() is True  # the reply to "my name is kevin" is taken back first


def test_a_rest_heard_differently_reports_the_whole_answer() -> None:
    answers = CallerAnswers()
    answers.speech_began(resumes=False)
    answers.speech_ended("my name is joy", "item_1")
    answers.speech_began(resumes=True)
    assert answers.speech_ended("my name is roy quinn", "item_2") == "my name is roy quinn"


def test_speech_after_a_long_pause_is_an_answer_of_its_own() -> None:
    answers = CallerAnswers()
    answers.speech_began(resumes=False)
    answers.speech_ended("my name is dana", "item_1")
    answers.take()
    answers.replying()
    answers.speech_began(resumes=False)
    assert answers.speech_ended("i run a bakery", "item_2") == "i run a bakery"
    assert answers.item == "item_2" and not answers.finishes_answered


def test_words_that_may_not_be_answered_are_passed_over() -> None:
    answers = CallerAnswers()
    answers.speech_began(resumes=False)
    answers.speech_ended("mhmm", "item_1")
    answers.answerable = False  # a backchannel over the agent
    assert answers.take() is None
    answers.answerable = True
    assert answers.take() is None  # passed over, not kept for later


def test_keyed_digits_are_answerable_and_finish_nothing() -> None:
    answers = CallerAnswers(answerable=False, finishes="item_1", answered="item_1")
    answers.typed("five five five")
    assert answers.answerable and not answers.finishes_answered
    assert answers.take() == "five five five"
