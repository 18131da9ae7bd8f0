"""The simulator's TwiML reader: the voice verbs it executes, as Twilio would, in order."""

from dataclasses import dataclass, field
from xml.etree import ElementTree


@dataclass(frozen=True, slots=True)
class StreamVerb:
    """`<Connect><Stream url>` with its `<Parameter>`s."""

    url: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SayVerb:
    text: str


@dataclass(frozen=True, slots=True)
class PauseVerb:
    seconds: float


@dataclass(frozen=True, slots=True)
class DialVerb:
    number: str


@dataclass(frozen=True, slots=True)
class HangupVerb:
    pass


Verb = StreamVerb | SayVerb | PauseVerb | DialVerb | HangupVerb


class TwimlError(ValueError):
    """The document is not TwiML the simulator understands (Twilio error 12100 territory)."""


def parse_twiml(document: str) -> list[Verb]:
    """The verbs of a `<Response>`; unknown verbs are an error, like Twilio's 12200."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as exc:
        raise TwimlError(f"not XML: {exc}") from None
    if root.tag != "Response":
        raise TwimlError(f"root element is <{root.tag}>, not <Response>")
    verbs: list[Verb] = []
    for element in root:
        if element.tag == "Connect":
            stream = element.find("Stream")
            if stream is None or not stream.get("url"):
                raise TwimlError("<Connect> without a <Stream url>")
            params = {p.get("name", ""): p.get("value", "") for p in stream.findall("Parameter")}
            verbs.append(StreamVerb(url=stream.get("url", ""), parameters=params))
        elif element.tag == "Say":
            verbs.append(SayVerb(text=(element.text or "").strip()))
        elif element.tag == "Pause":
            verbs.append(PauseVerb(seconds=float(element.get("length", "1"))))
        elif element.tag == "Dial":
            number = (element.text or "").strip()
            inner = element.find("Number")
            if not number and inner is not None:
                number = (inner.text or "").strip()
            verbs.append(DialVerb(number=number))
        elif element.tag == "Hangup":
            verbs.append(HangupVerb())
        else:
            raise TwimlError(f"unsupported verb <{element.tag}>")
    return verbs
