"""TwiML documents built with the Twilio SDK: connect to our media stream, dial, say and hang up."""

from twilio.twiml.voice_response import Connect, VoiceResponse

from callcenter.config import Settings

# Custom <Parameter> names; they come back in the stream's `start.customParameters`.
PARAM_CALL_ID = "call_id"
PARAM_DIRECTION = "direction"


def connect_stream(settings: Settings, *, call_id: int, direction: str) -> str:
    """`<Connect><Stream>` to our media-stream URL (from PUBLIC_BASE_URL, never the Host header).

    The stream URL takes no query string; our call id and direction travel as `<Parameter>`s.
    """
    response = VoiceResponse()
    connect = Connect()
    stream = connect.stream(url=settings.stream_url)
    stream.parameter(name=PARAM_CALL_ID, value=str(call_id))
    stream.parameter(name=PARAM_DIRECTION, value=direction)
    response.append(connect)
    return str(response.to_xml())


def dial(number: str) -> str:
    """Redirect a live call to `number` (a human) with `<Dial>`."""
    response = VoiceResponse()
    response.dial(number)
    return str(response.to_xml())


def say_and_hang_up(message: str) -> str:
    """Speak `message` (e.g. a voicemail) and end the call."""
    response = VoiceResponse()
    response.say(message)
    response.hangup()
    return str(response.to_xml())


def hang_up() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response.to_xml())


def voicemail_message(settings: Settings) -> str:
    """The short message the agent leaves when a machine answers an outbound call."""
    callback = (
        f" You can call us back at {settings.twilio_phone_number}."
        if (settings.twilio_phone_number)
        else ""
    )
    return (
        f"Hello, this is {settings.company_name}. We called to follow up on your enquiry "
        f"and will try you again soon.{callback} Thank you, goodbye."
    )
