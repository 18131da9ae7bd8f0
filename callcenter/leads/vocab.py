"""Word lists the offline extractor relies on: question cues, non-names, trades in company names."""


def _words(text: str) -> set[str]:
    return set(text.split())


# What the agent's question asks for, by the words in it (the latest cue in a question wins).
QUESTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "name": (
        "your name",
        "who am i speaking",
        "who i'm speaking",
        "who i am speaking",
        "what should i call you",
        "who's calling",
        "who is calling",
        "name please",
        "your full name",
        "spell your name",
        "spell that",
        "first name",
        "last name",
    ),
    "email": ("email", "e-mail", "mail address"),
    "phone": ("phone", "number", "call you back", "reach you at", "callback"),
    "business_type": (
        "kind of business",
        "type of business",
        "what business",
        "what do you do",
        "industry",
        "line of work",
        "your business",
        "your company do",
        "what does your company",
        "what sort of business",
        "trade are you",
        "business are you in",
    ),
    "need": (
        "how can i help",
        "how can we help",
        "what can i help",
        "what can we help",
        "what can i do for you",
        "what can we do for you",
        "looking for",
        "what do you need",
        "what brings you",
        "what would you like",
        "help you with",
        "what are you hoping",
        "what's going on",
        "what prompted",
        "tell me more about what you need",
        "reason for your call",
        "what are your goals",
    ),
}

# Words that end a name ("Dana Reyes from …", "Dana and I …").
NAME_STOP = _words(
    "and from with at of the i i'm im my we we're our here speaking calling who that "
    "but so on in for about to calling owner manager by over just again again, please thanks "
    "thank you yes no is was now today though too anyway by the way"
)

# Words that are not names where a name would be ("I'm looking …", "this is great").
NOT_NAMES = _words(
    "a an the just not so very really looking calling interested in with from here good fine "
    "great ok okay sorry trying hoping wondering curious glad happy sure thinking gonna going "
    "about regarding calling call back still also actually currently the owner manager "
    "with a an your my our this that it its it's is are was be been being to for on at of "
    "and or but if um uh er well yeah yes no hi hello hey there thanks thank available "
    "busy new open ready running out free able after before around only pretty kind sort "
    "doing having getting wanting needing reaching following checking returning "
    "speaking one two three four five six seven eight nine ten twenty thirty interested "
    "retired self employed owner located based over under in-house here's "
    "plumbing roofing dental calling concerned worried frustrated tired done all "
    "both each every some any more less much many few lot lots what who where when why how "
    "pardon excuse repeat".replace("'", "'")
)

# Words that end a business phrase ("a plumbing company that …").
BUSINESS_STOP = _words(
    "and that with in for so but called named which who where here out of on at from "
    "since to we i i'm our my it it's near downtown around by about "
    "looking need want needs wants because"
)

# Nouns that name a place of business ("our law firm", "my salon").
PLACE_WORDS = _words(
    "firm practice clinic salon shop studio restaurant bakery store office agency company "
    "business gym spa cafe garage dealership hotel clinic boutique kitchen bar"
)

# Trades named in company names ("Reyes Plumbing", "Bright Smile Dental") → business type.
INDUSTRY_WORDS: dict[str, str] = {
    word: word
    for word in (
        "plumbing roofing landscaping dental electric electrical hvac bakery cleaning "
        "construction consulting accounting legal realty salon spa fitness gym automotive "
        "restaurant cafe catering insurance marketing photography painting flooring pest "
        "pool veterinary clinic pharmacy daycare trucking moving printing design software "
        "tutoring florist coffee heating cooling remodeling renovation carpentry masonry "
        "fencing lawn tree towing welding chiropractic physiotherapy optometry pediatrics "
        "orthodontics dermatology bookkeeping staffing security logistics solar windows "
        "brewery winery barbershop boutique jewelry kennel grooming"
    ).split()
}
INDUSTRY_WORDS.update(
    {
        "law": "law firm",
        "law firm": "law firm",
        "real estate": "real estate",
        "pest control": "pest control",
        "auto": "auto repair",
        "auto repair": "auto repair",
        "electric": "electrical",
        "heating and": "hvac",
        "air": "hvac",
        "dentistry": "dental",
        "vet": "veterinary",
        "bakehouse": "bakery",
        "bakeries": "bakery",
        "plumbers": "plumbing",
        "roofers": "roofing",
        "electricians": "electrical",
        "builders": "construction",
        "landscapers": "landscaping",
        "cleaners": "cleaning",
        "movers": "moving",
        "accountants": "accounting",
        "lawyers": "law firm",
        "realtors": "real estate",
        "painters": "painting",
        "dental clinic": "dental clinic",
        "dental care": "dental",
        "pet grooming": "pet grooming",
    }
)

# Top-level domains a spoken address may end in ("… dot com", "… dot co dot uk").
TLDS = _words("ai app au biz ca co com de dev edu es fr gov ie info io me mx net nz org tv uk us ")

# Words that end an email's local part when reading back from "at" ("my email is dana at …").
LOCAL_PART_STOP = _words(
    "is it's its it email e-mail mail address email's my me "
    "the at reach use that's thats sure yes yeah yep ok okay so and um uh er wait no "
    "actually sorry mean i was be you can could spelled spell that send to work live "
    "based located us here there we am i'm are we're right now best just fine great "
    "or try write put down like of our your on in office home also then well "
)

# Digits said as words, "oh" as zero (the offline voice engine listens for the same words).
DIGIT_WORDS: dict[str, str] = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
