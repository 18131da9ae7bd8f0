"""Realistic caller utterances and short transcripts with the lead fields they state.

Each case is (transcript, expected). A transcript is a list of "A: …" (agent) / "C: …" (caller)
lines. `need` is checked by the words it must contain; every other field by exact value."""

Case = tuple[list[str], dict[str, str]]

GREETING = "A: Thanks for calling Acme Growth, this is Ava. May I have your name?"

CASES: list[Case] = [
    (  # turned down, then spelled right and confirmed
        [
            "A: What's your email?",
            "C: dana at reyes plumbing dot com",
            "A: I have d, a, n, a, at reyes plumbing dot com. Did I get that email right?",
            "C: Nope, it's dana at reyes plumbing dot net.",
            "A: I have d, a, n, a, at reyes plumbing dot net. Is that email right?",
            "C: yes",
        ],
        {"email": "dana@reyesplumbing.net"},
    ),
    (  # the agent's reply to the name was cut short: the business follows the name unasked
        [
            GREETING,
            "C: mike reed",
            "C: dry cleaning",
            "A: A dry cleaning, great. What can we help you with?",
        ],
        {"name": "Mike Reed"},
    ),
    (
        [GREETING, "C: Hi, my name is Dana Reyes."],
        {"name": "Dana Reyes"},
    ),
    (
        [
            GREETING,
            "C: Dana Reyes.",
            "A: Thanks Dana. What's the best email to reach you?",
            "C: It's dana at reyes plumbing dot com.",
        ],
        {"name": "Dana Reyes", "email": "dana@reyesplumbing.com"},
    ),
    (
        [GREETING, "C: This is Marcus from Bright Smile Dental."],
        {"name": "Marcus", "business_type": "dental"},
    ),
    (
        [GREETING, "C: yeah this is dr. priya shah from shah family dental"],
        {"name": "Priya Shah", "business_type": "dental"},
    ),
    (
        ["A: What's your email address?", "C: sure, it's d a n a dot r e y e s at gmail dot com"],
        {"email": "dana.reyes@gmail.com"},
    ),
    (
        [
            "A: And a good phone number for you?",
            "C: five five five, two three four, nine eight seven six",
        ],
        {"phone": "+15552349876"},
    ),
    (
        [
            "A: What number can we call you back on?",
            "C: It's four one five, five five five, oh one three four.",
        ],
        {"phone": "+14155550134"},
    ),
    (
        ["A: Could I get a callback number?", "C: 415-555-0199"],
        {"phone": "+14155550199"},
    ),
    (
        [
            "A: What's the best number to reach you?",
            "C: my cell is double five five, eight six seven, five three oh nine",
        ],
        {"phone": "+15558675309"},
    ),
    (
        ["A: What kind of business do you run?", "C: We're a small dental clinic."],
        {"business_type": "dental clinic"},
    ),
    (
        ["A: Tell me a bit about your business.", "C: I run a plumbing business in Austin."],
        {"business_type": "plumbing"},
    ),
    (
        ["A: What type of business is it?", "C: Landscaping, mostly residential."],
        {"business_type": "landscaping"},
    ),
    (
        ["A: What do you do?", "C: um we do commercial roofing"],
        {"business_type": "commercial roofing"},
    ),
    (
        [
            "A: How can I help you today?",
            "C: I need a new website for my bakery, the old one is really slow.",
        ],
        {"need": "new website", "business_type": "bakery"},
    ),
    (
        [
            "A: What can we do for you?",
            "C: We're looking for help with online ads, we're not getting enough calls.",
        ],
        {"need": "online ads"},
    ),
    (
        [
            "A: What brings you to us today?",
            "C: I'm interested in your bookkeeping service for my salon.",
        ],
        {"need": "bookkeeping", "business_type": "salon"},
    ),
    (
        [
            GREETING,
            "C: It's John. No wait, it's Jon, J O N.",
            "A: Got it. And your email?",
            "C: jon at jonsbakery dot com",
        ],
        {"name": "Jon", "email": "jon@jonsbakery.com"},
    ),
    (
        [
            "A: What's your email?",
            "C: It's sam at gmail dot com. Sorry, it's sam at yahoo dot com.",
        ],
        {"email": "sam@yahoo.com"},
    ),
    (
        [
            "A: What's the best number?",
            "C: five five five one two three four five six seven, actually no, "
            "five five five one two three four five six eight",
        ],
        {"phone": "+15551234568"},
    ),
    (
        [
            "A: Hi, thanks for calling. Who am I speaking with?",
            "C: Hey, Mike here, I own a small HVAC company.",
        ],
        {"name": "Mike", "business_type": "hvac"},
    ),
    (
        [
            "A: Hi there! Can I get your name please?",
            "C: Sure, I'm Angela Martinez and I run a cleaning service.",
        ],
        {"name": "Angela Martinez", "business_type": "cleaning"},
    ),
    (
        [
            "A: How can I help?",
            "C: I'm calling about your marketing packages. My name's Tom Becker, "
            "I have an auto repair shop.",
        ],
        {"name": "Tom Becker", "business_type": "auto repair", "need": "marketing packages"},
    ),
    (
        ["A: Can I have your email?", "C: yes, tom dot becker at becker auto dot net"],
        {"email": "tom.becker@beckerauto.net"},
    ),
    (
        ["A: May I have your name?", "C: Ms. Olivia Chen."],
        {"name": "Olivia Chen"},
    ),
    (
        ["A: Who do I have the pleasure of speaking with? What's your name?", "C: call me Raj"],
        {"name": "Raj"},
    ),
    (
        [
            GREETING,
            "C: I'm looking to get a quote for a new phone system.",
            "A: Happy to help. What's your name?",
            "C: Linda Park.",
        ],
        {"name": "Linda Park", "need": "quote"},
    ),
    (
        [
            "A: What's your email address?",
            "C: my email is linda underscore park at parkrealty dot com",
        ],
        {"email": "linda_park@parkrealty.com"},
    ),
    (
        ["A: What is your email?", "C: it's info at green thumb landscaping dot co"],
        {"email": "info@greenthumblandscaping.co"},
    ),
    (
        ["A: And what's your email?", "C: Sure. Carlos@Vega-Law.com"],
        {"email": "carlos@vega-law.com"},
    ),
    (
        [
            "A: What's a good number?",
            "C: plus four four, two oh, seven nine four six, oh nine five eight",
        ],
        {"phone": "+442079460958"},
    ),
    (
        [GREETING, "C: Good morning, this is Sarah with Coastal Realty. We need more listings."],
        {"name": "Sarah", "business_type": "realty", "need": "more listings"},
    ),
    (
        ["A: And what industry are you in?", "C: I'm in the trucking business."],
        {"business_type": "trucking"},
    ),
    (
        ["A: What kind of business do you have?", "C: we're a family owned restaurant"],
        {"business_type": "family owned restaurant"},
    ),
    (
        ["A: What kind of business is it?", "C: Oh it's a yoga studio."],
        {"business_type": "yoga studio"},
    ),
    (
        ["A: What do you need help with?", "C: Mostly scheduling. We miss a lot of appointments."],
        {"need": "scheduling"},
    ),
    (
        [
            GREETING,
            "C: Kevin O'Brien.",
            "A: Thanks Kevin, and what's your phone number?",
            "C: seven one eight, five five five, two two one one",
            "A: And the email?",
            "C: kevin at obrien electric dot com",
            "A: What kind of work do you do?",
            "C: We're electricians, residential mostly.",
        ],
        {"name": "Kevin O'Brien", "phone": "+17185552211", "email": "kevin@obrienelectric.com"},
    ),
    (
        [
            "A: May I get your name?",
            "C: uh yeah it's Maria, Maria Gonzalez",
            "A: And how can we help, Maria?",
            "C: I want to automate my appointment reminders",
        ],
        {"name": "Maria Gonzalez", "need": "appointment reminders"},
    ),
    (
        [
            "A: What's your name?",
            "C: Dr. Alan Wu",
            "A: And what's your practice?",
            "C: I run a chiropractic clinic downtown",
        ],
        {"name": "Alan Wu", "business_type": "chiropractic clinic"},
    ),
    (
        ["A: What's your email address?", "C: it's a l a n w u at wu chiro dot com, all one word"],
        {"email": "alanwu@wuchiro.com"},
    ),
    (
        [
            "A: Can I get a number to reach you?",
            "C: Yeah it's 212 555 0147, that's my office line.",
        ],
        {"phone": "+12125550147"},
    ),
    (
        [
            "A: What's your phone number?",
            "C: two one two, five five five, oh one four seven. Wait no, oh one four eight.",
        ],
        {"phone": "+12125550148"},
    ),
    (
        [GREETING, "C: Hi! I'm Beth, I own a pet grooming salon and I need a booking system."],
        {"name": "Beth", "business_type": "pet grooming salon", "need": "booking system"},
    ),
    (
        ["A: And your name?", "C: Name's Frank Lopez, Lopez Roofing."],
        {"name": "Frank Lopez", "business_type": "roofing"},
    ),
    (
        ["A: What's your email?", "C: frank at lopez roofing dot com. F R A N K."],
        {"email": "frank@lopezroofing.com"},
    ),
    (
        ["A: What's the best email for you?", "C: It's nina twenty four at outlook dot com"],
        {"email": "nina24@outlook.com"},
    ),
    (
        [
            "A: How can I help you today?",
            "C: we would like to set up an AI receptionist for our law firm",
        ],
        {"need": "ai receptionist", "business_type": "law firm"},
    ),
    # Written after the rules above were tuned, to keep the measure honest.
    (
        ["A: Who am I speaking with today?", "C: Hi, it's Grace Kim calling from Kim's Florist."],
        {"name": "Grace Kim", "business_type": "florist"},
    ),
    (
        [
            "A: What's the best email for the follow-up?",
            "C: g kim at kims florist dot com, k i m s",
        ],
        {"email": "gkim@kimsflorist.com"},
    ),
    (
        [
            "A: And what's a good phone number?",
            "C: Area code three one two, then five five five, one eight eight eight.",
        ],
        {"phone": "+13125551888"},
    ),
    (
        ["A: How can we help?", "C: Honestly we just need more customers finding us on Google."],
        {"need": "more customers"},
    ),
    (
        ["A: Can I get your name?", "C: Yeah, Mister Daniel Ortiz."],
        {"name": "Daniel Ortiz"},
    ),
    (
        [
            "A: What kind of business do you run, Daniel?",
            "C: I've got a moving company, six trucks.",
        ],
        {"business_type": "moving"},
    ),
    (
        [
            "A: What's your email, Daniel?",
            "C: daniel at ortiz movers dot com. Oh wait, it's dan at ortiz movers dot com.",
        ],
        {"email": "dan@ortizmovers.com"},
    ),
    (
        [
            "A: Hi, how can I help you?",
            "C: Hi, I'm Rachel, I manage a dental practice and I'm looking for a better "
            "way to handle after-hours calls.",
        ],
        {"name": "Rachel", "business_type": "dental practice", "need": "after-hours calls"},
    ),
    (
        [
            "A: Could I get a number in case we get cut off?",
            "C: Sure, it's six four six, five five five, zero one nine two.",
        ],
        {"phone": "+16465550192"},
    ),
    (
        ["A: What's your name, please?", "C: Ahmed. A H M E D."],
        {"name": "Ahmed"},
    ),
    (
        ["A: Hello, who's calling?", "C: Yeah hi, Tasha Nguyen, I've got a nail salon on Fifth."],
        {"name": "Tasha Nguyen", "business_type": "nail salon"},
    ),
    (
        ["A: What's the best email?", "C: tasha dot nguyen eighty eight at gmail dot com"],
        {"email": "tasha.nguyen88@gmail.com"},
    ),
    (
        [
            "A: And a phone number in case we get disconnected?",
            "C: nine one seven, five five five, two four six eight",
        ],
        {"phone": "+19175552468"},
    ),
    (
        [
            "A: What are you hoping we can help with?",
            "C: Basically I want people to be able to book online instead of calling.",
        ],
        {"need": "book online"},
    ),
    (
        ["A: Could I get your name?", "C: It's Pete. Peter Walsh."],
        {"name": "Peter Walsh"},
    ),
    (
        ["A: What line of work are you in, Peter?", "C: I'm an electrician, I run a small crew."],
        {"business_type": "electrician"},
    ),
    (
        ["A: Email?", "C: pwalsh at walsh electric dot com. That's p w a l s h."],
        {"email": "pwalsh@walshelectric.com"},
    ),
    (
        [
            "A: Please spell your email address, letter by letter.",
            "C: t y l e r at y a h o o dot c o m",
        ],
        {"email": "tyler@yahoo.com"},  # "c o" is a suffix already; "c o m" a longer one
    ),
    (
        ["A: Please spell your email address.", "C: d a n a at r e y e s dot c o dot u k"],
        {"email": "dana@reyes.co.uk"},
    ),
    (
        [
            "A: What is the best email address to reach you?",
            "C: dispatch at hammond dot com",
            "A: Sorry, could you spell that for me? Please spell your email address.",
            "C: d i s p a t c h at h a m m o n d dot c o m",
        ],
        {"email": "dispatch@hammond.com"},  # the spelled letters are no name
    ),
    (
        [
            "A: Hi, how can I help?",
            "C: Hi, my name is Ana Lucia Torres and I need a quote for a new website.",
        ],
        {"name": "Ana Lucia Torres", "need": "quote"},
    ),
]
# Things callers say that must NOT be read as a field (false positives cost a wrong lead).
NEGATIVE_CASES: list[tuple[list[str], str]] = [
    (
        [
            "A: What's your email?",
            "C: eric dot coleman at gmail dot com",
            "A: I have e, r, i, c, dot, c, o, l, e, m, a, n, at gmail dot com. Is that correct?",
            "C: No, that's wrong.",
            "A: Sorry about that. Someone from our team will confirm it with you.",
        ],
        "email",
    ),
    (  # an address the caller turned down at the read-back is not theirs
        [
            "A: What is the best email address to reach you?",
            "C: eric dot coleman at gmail dot com",
            "A: I have e, r, i, c, dot, c, o, l, e, m, a, n, at gmail dot com. Is that right?",
            "C: no",
            "A: Sorry about that. Please spell your email address, letter by letter.",
            "C: h e l l o at h e a t s dot c o m",
            "A: I have h, e, l, l, o, at, h, e, a, t, s, dot, c, o, m. Is that email right?",
            "C: No.",
            "A: Sorry, I couldn't get your email; someone will confirm it with you.",
        ],
        "email",
    ),
    (["A: How can I help?", "C: I'm looking for someone to redo my website."], "name"),
    (["A: How can I help?", "C: This is about the quote you sent last week."], "name"),
    (["A: How can I help?", "C: I'm calling about pricing."], "name"),
    (["A: How can I help?", "C: I work at the hospital downtown."], "email"),
    (["A: How can I help?", "C: We have twelve trucks and about 30 employees."], "phone"),
    (["A: How can I help?", "C: Call me at the office tomorrow."], "name"),
    (["A: How can I help?", "C: We've been in business since 1998."], "phone"),
    (["A: What's your name?", "C: Sorry, what was that?"], "name"),
    (
        [
            "A: Sorry, could you spell that for me? Please spell your email address.",
            "C: d i s p a t c h at h a m m o n d dot c o m",
        ],
        "name",
    ),
    (["A: How can I help?", "C: I'm not sure yet, just exploring."], "name"),
]
