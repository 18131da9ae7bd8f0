"""The words the offline recogniser listens for in each dialog state (names, businesses, ...)."""

from callcenter.leads.vocab import DIGIT_WORDS as DIGIT_WORDS
from callcenter.voice.providers.local import business_types, names

# How many of the census's most common names the name model adds to our own list. Off (0) by
# default: measured through the whole stack, 500 first + 2000 last names (~70 % / ~52 % of
# people) made near-misses win over the names we know (Garcia → Gardner, Chen → Chin): the
# twelve tuned personas fell from 10-11 to 6-9 of 12 names on clean audio, while held-out
# names stayed at 0 of 24 on a noisy phone line. Raise both to widen the names it can hear.
CENSUS_FIRST_NAMES = 0
CENSUS_LAST_NAMES = 0

_OWN_FIRST_NAMES = """
aaron adam alan albert alex alice amanda amy andrea andrew angela anna anthony ashley barbara
ben benjamin beth betty bill bob brandon brian carl carlos carol caroline catherine charles chris
christina christine cindy claire daniel dana david deborah dennis diana donald donna dorothy
douglas edward elena elizabeth emily emma eric erin frank gary george grace greg hannah harold
helen henry jack jacob james jane janet jason jeff jennifer jessica jim joan joe john jonathan
jose joseph joshua julia julie justin karen kate katherine kathy keith kelly kevin kim laura
lauren linda lisa louis lucy luis maria marie mark martha martin mary matthew megan melissa
michael michelle mike nancy nathan nicole noah olivia omar pamela patricia patrick paul peter
priya rachel ralph raymond rebecca richard rita robert ronald rose ryan sam samuel sandra sara
sarah scott sean sharon sophia stephen steve susan thomas tim timothy tom tony victoria walter
wendy william zoe ahmed fatima hiro kenji wei lena ivan marco sofia diego
""".split()

_OWN_LAST_NAMES = """
adams allen anderson baker bell brooks brown campbell carter chen clark collins cook cooper
davis diaz edwards evans fisher flores garcia gomez gonzalez green hall harris hernandez hill
howard hughes jackson james johnson jones kelly kim king lee lewis lopez martin martinez miller
mitchell moore morgan morris murphy nelson nguyen parker patel perez peterson phillips price
ramirez reed reyes richardson rivera roberts robinson rodriguez rogers ross russell sanchez scott
shah smith stewart sullivan taylor thomas thompson torres turner walker ward watson white
williams wilson wood wright young novak tanaka okada silva costa rossi
""".split()

# Names in order of how common they are (the census lists, then a few from elsewhere).
FIRST_NAMES = list(
    dict.fromkeys([n for n, _ in names.first_names(CENSUS_FIRST_NAMES)] + _OWN_FIRST_NAMES)
)
LAST_NAMES = list(
    dict.fromkeys([n for n, _ in names.last_names(CENSUS_LAST_NAMES)] + _OWN_LAST_NAMES)
)

_OWN_BUSINESS_TYPES = [
    "plumbing",
    "plumbing company",
    "dental clinic",
    "dental office",
    "law firm",
    "real estate agency",
    "real estate",
    "restaurant",
    "bakery",
    "coffee shop",
    "hair salon",
    "beauty salon",
    "barber shop",
    "auto repair shop",
    "auto repair",
    "car dealership",
    "roofing company",
    "roofing",
    "landscaping company",
    "landscaping",
    "cleaning company",
    "cleaning service",
    "construction company",
    "electrical contractor",
    "electrician",
    "medical practice",
    "veterinary clinic",
    "pet grooming",
    "fitness studio",
    "gym",
    "yoga studio",
    "accounting firm",
    "insurance agency",
    "marketing agency",
    "software company",
    "moving company",
    "hvac company",
    "heating and cooling",
    "pest control",
    "photography studio",
    "florist",
    "hotel",
    "daycare",
    "tutoring service",
    "chiropractic clinic",
    "physical therapy clinic",
    "pharmacy",
    "bookstore",
    "clothing store",
    "catering company",
    "wedding planning",
    "travel agency",
    "staffing agency",
    "print shop",
    "locksmith",
    "solar company",
]

# Kinds of business by their everyday names (filed under NAICS industries), then our own.
BUSINESS_TYPES = list(dict.fromkeys(business_types.BUSINESS_TYPES + _OWN_BUSINESS_TYPES))

BUSINESS_PREFIXES = [
    "i run a",
    "i run an",
    "we are a",
    "we're a",
    "it's a",
    "i own a",
    "i have a",
    "we run a",
    "a",
    "an",
]

NAME_PREFIXES = ["my name is", "this is", "it's", "i'm", "i am", "the name is", "call me"]

# Sentences a caller might use to say what they need; the need state's language model is
# built from these (plus the business words), so it knows the domain's words and phrasing.
NEED_CORPUS = """
we need someone to answer our phones after hours
i need help answering calls after hours
we need an answering service for after hours calls
we want to book more appointments
i need help booking appointments
we need help scheduling appointments
we are missing too many calls
we miss calls when we are busy
i want to capture more leads from our website
we need more leads
we need help with lead follow up
i need a receptionist to answer the phone
we need a virtual receptionist
we want to handle customer calls on weekends
we need someone to take orders over the phone
i want to reduce missed calls
we need help with customer support calls
we want to qualify new leads
i need help with emergency calls at night
we need to answer calls in spanish
we want to set up appointment reminders
i need someone to handle booking and cancellations
we need help with our reservations
we get too many calls during lunch
we need to route calls to the right person
i want an ai agent to answer our calls
we need to follow up with new customers
i want to grow my business
we need help with sales calls
we need help with estimates and quotes
i need to schedule service visits
we need overflow call handling
we need to answer questions about pricing
i need help with new patient intake
we need help with client intake
we want to take bookings for classes
we need help with delivery orders
we need a better phone system
""".strip()

EMAIL_WORDS = """
info office contact hello sales admin team support bookings help service shop
home work group studio clinic company co inc vet law auto dental
""".split()

EMAIL_DOMAINS = ["gmail", "g mail", "yahoo", "outlook", "hotmail", "icloud", "aol"]
TLDS = ["com", "net", "org", "co", "io", "us", "biz"]

LETTERS = list("abcdefghijklmnopqrstuvwxyz")
# Words a caller spells by ("m as in mary"): the phonetic alphabet and common first names.
SPELLING_EXAMPLES = list(
    dict.fromkeys(
        """alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike
        november oscar papa quebec romeo sierra tango uniform victor whiskey yankee zulu
        apple boy cat dog edward frank george henry ida john king lincoln mary nancy ocean
        peter queen robert sam tom union victory william young zebra""".split()
        + [n for n, _ in names.first_names(100)]
    )
)
YES_WORDS = ["yes", "yeah", "yep", "correct", "that's right", "that is right", "sure", "right"]
NO_WORDS = ["no", "nope", "that's wrong", "that is wrong", "not quite", "no it's not"]
REPEAT_PHRASES = [
    "repeat that",
    "can you repeat that",
    "could you repeat that",
    "say that again",
    "sorry what",
    "what",
    "pardon",
]
