"""Kinds of business callers name, as they say them, each filed under its 2022 NAICS industry.

Written by going through the NAICS industries a small business that takes phone calls belongs
to and writing down the everyday names of each (the NAICS titles themselves, "Offices of
Dentists", are not how anyone answers "what kind of business do you run?"). The `naics`
package holds the official titles; a test checks every code here is one of them.
"""

# code: spoken names, separated by commas (a code may take more than one line)
_BY_NAICS = """
111421: nursery, tree farm
111422: flower farm
112120: dairy farm
112920: horse farm, horse ranch
115116: farm management company
236115: home builder, custom home builder
236118: remodeling company, home remodeling, renovation company, kitchen remodeling
236220: general contractor, construction company, commercial construction
237310: paving company, asphalt paving
238110: concrete company, concrete contractor, foundation repair
238130: framing contractor
238140: masonry company, brick mason, stone mason
238150: glass company, window installation
238160: roofing company, roofing contractor, roofer
238170: siding company, gutter company
238210: electrician, electrical contractor, electrical company
238220: plumbing company, plumber, plumbing, hvac company, heating and cooling
238220: air conditioning company
238290: elevator company, garage door company
238310: drywall company, insulation company
238320: painting company, painter, house painting
238330: flooring company, carpet installation, hardwood flooring
238340: tile company, tile contractor
238350: carpentry company, carpenter, cabinet maker
238910: excavation company, demolition company
238990: fence company, pool builder, handyman service, deck builder
311811: bakery, cake shop, donut shop, cupcake shop
312120: brewery, craft brewery, brew pub
312130: winery, vineyard
312140: distillery
441110: car dealership, auto dealership
441120: used car dealership, used car lot
441222: boat dealership
441227: motorcycle dealership, motorcycle shop
441330: auto parts store
441340: tire shop, tire store
444140: hardware store
444180: lumber yard
444240: garden center, plant nursery
445110: grocery store, supermarket
445131: convenience store, corner store
445230: produce market, farmers market
445240: butcher shop, meat market
445250: fish market, seafood market
445292: candy store, chocolate shop
445298: specialty food store, health food store
445320: liquor store, wine shop
449110: furniture store
449121: carpet store, flooring store
449129: home decor store
449210: electronics store, appliance store, cell phone store
456110: pharmacy, drugstore
456120: beauty supply store, cosmetics store
456130: optical shop, eyeglass store
458110: clothing store, boutique, clothing boutique
458210: shoe store
458310: jewelry store, jeweler
459110: sporting goods store, bike shop, bicycle shop, outdoor store
459120: toy store, game store, hobby shop
459130: fabric store, yarn shop
459140: music store, guitar shop
459210: bookstore, book shop
459310: florist, flower shop
459410: office supply store
459420: gift shop, souvenir shop
459510: thrift store, consignment shop, antique store, pawn shop
459910: pet store, pet supply store
459920: art gallery
459991: smoke shop, vape shop
484110: trucking company, freight company
484210: moving company, movers
485310: taxi company, cab company
485320: limousine service, limo company
488410: towing company, tow truck company, towing service
492110: courier service, delivery service
493110: warehouse, storage company
522130: credit union
522292: mortgage company, mortgage broker
523940: financial advisor, financial planning, investment firm
524210: insurance agency, insurance agent, insurance broker
531130: self storage, storage facility, storage units
531210: real estate agency, real estate office, real estate, realtor, real estate brokerage
531311: property management company, property management
531320: appraisal company, home appraiser
532111: car rental company
532281: tuxedo rental, costume shop
532310: equipment rental, party rental company
541110: law firm, law office, lawyer, attorney
541120: notary service
541191: title company
541211: accounting firm, accountant, cpa firm
541213: tax preparation service, tax service, tax preparer
541214: payroll company
541219: bookkeeping service, bookkeeper
541310: architecture firm, architect
541320: landscape architect
541330: engineering firm
541350: home inspection company, home inspector
541370: land surveyor, surveying company
541410: interior design firm, interior designer
541430: graphic design studio, graphic designer
541511: software company, app developer, web design company, web developer
541512: it company, it services, computer services, tech support company
541613: marketing agency, marketing firm, digital marketing agency
541618: consulting firm, business consultant
541810: advertising agency
541820: public relations firm, pr firm
541921: photography studio, photographer, portrait studio
541922: commercial photographer, video production company
541930: translation service, translation company
541940: veterinary clinic, veterinarian, vet clinic, animal hospital
561311: staffing agency, recruiting firm, employment agency
561421: answering service, call center
561431: mail center, shipping store
561439: print shop, copy shop, printing company, sign shop
561440: collection agency
561510: travel agency, travel agent
561520: tour company, tour operator
561611: private investigator, detective agency
561612: security company, security guard service
561621: alarm company, security systems company
561622: locksmith
561710: pest control, pest control company, exterminator
561720: cleaning company, cleaning service, janitorial service, maid service, house cleaning
561730: landscaping company, landscaping, lawn care company, lawn care, lawn service, tree service
561740: carpet cleaning company, carpet cleaning, upholstery cleaning
561790: pool cleaning service, pool service, window cleaning company, pressure washing
561790: chimney sweep
562111: junk removal, trash removal, dumpster rental
562991: septic service, septic company
611110: private school, charter school
611511: beauty school, barber school
611610: music school, dance studio, art school, music lessons, dance school
611620: martial arts studio, karate studio, swim school, tennis academy, golf lessons
611630: language school
611691: tutoring service, tutoring center, test prep
611692: driving school
621111: medical practice, medical clinic, doctor's office, family practice, pediatric clinic
621112: psychiatry practice
621210: dental clinic, dental office, dental practice, dentist, orthodontist, orthodontics
621310: chiropractic clinic, chiropractor, chiropractic office
621320: optometry practice, optometrist, eye doctor, eye clinic
621330: therapy practice, counseling practice, counselor, psychologist
621340: physical therapy clinic, physical therapy, speech therapy, occupational therapy
621391: podiatry practice, podiatrist, foot doctor
621399: acupuncture clinic, acupuncturist, massage therapy clinic, massage therapist, med spa
621493: urgent care, urgent care clinic
621511: medical lab
621512: imaging center
621610: home health care, home health agency, home care agency
621910: ambulance service
623110: nursing home
623312: assisted living, assisted living facility, senior living
624120: senior care, elder care
624410: daycare, child care center, preschool, day care
711110: theater, theater company
711130: band, dj service, wedding band
711510: artist studio
712110: museum
713110: amusement park
713120: arcade, escape room
713910: golf course, country club
713930: marina
713940: gym, fitness center, fitness studio, yoga studio, pilates studio, crossfit gym
713950: bowling alley
713990: event venue, trampoline park, climbing gym
721110: hotel, motel
721191: bed and breakfast, inn
721199: vacation rental, short term rental
721211: campground, rv park
722320: catering company, caterer, catering
722330: food truck
722410: bar, pub, nightclub, wine bar
722511: restaurant, family restaurant, steakhouse, diner, italian restaurant
722511: mexican restaurant, pizza restaurant, sushi restaurant
722513: pizza shop, pizzeria, pizza place, fast food restaurant, sandwich shop
722513: burger joint, taco shop
722515: coffee shop, cafe, juice bar, ice cream shop, bagel shop, smoothie shop
811111: auto repair shop, auto repair, mechanic, auto shop, garage
811114: transmission shop, auto electric
811121: body shop, auto body shop, collision repair
811122: auto glass, windshield repair
811191: oil change shop, quick lube
811192: car wash, auto detailing, car detailing
811210: computer repair shop, phone repair shop, electronics repair
811411: lawn mower repair, small engine repair
811412: appliance repair, appliance repair company
811420: upholstery shop, furniture repair
811430: shoe repair shop, cobbler
811490: watch repair, bike repair shop, tailor, alterations shop
812111: barber shop, barbershop, barber
812112: hair salon, beauty salon, salon, hair studio
812113: nail salon, nail studio
812191: weight loss clinic, weight loss center
812199: day spa, spa, tattoo shop, tattoo parlor, tanning salon, waxing studio, lash studio
812210: funeral home, funeral service, mortuary
812220: cemetery, crematory
812310: laundromat
812320: dry cleaner, dry cleaning, laundry service
812910: pet grooming, dog grooming, pet sitting, dog walking, dog daycare, dog boarding
812910: kennel, dog trainer
812930: parking garage, parking lot
812990: wedding planning, wedding planner, event planning, event planner
813110: church
813410: club, social club
813910: chamber of commerce, business association
"""


def _parse(text: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in text.strip().splitlines():
        code, _, names = line.partition(":")
        spoken = [name.strip() for name in names.split(",") if name.strip()]
        table.setdefault(code.strip(), []).extend(spoken)
    return table


BY_NAICS: dict[str, list[str]] = _parse(_BY_NAICS)
BUSINESS_TYPES: list[str] = list(dict.fromkeys(n for names in BY_NAICS.values() for n in names))
