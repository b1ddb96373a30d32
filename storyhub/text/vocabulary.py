"""Words the identifier detector looks for, per language (en, it, es). Lower case; a language
the site does not know uses all of them together."""

from __future__ import annotations

MONTHS = {
    "en": (
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec"
    ),
    "it": (
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre gen feb mar apr mag giu lug ago set ott nov dic"
    ),
    "es": (
        "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
        "noviembre diciembre ene feb mar abr may jun jul ago sep sept oct nov dic"
    ),
}

# Words after which a capitalised word is a person's name ("my husband John").
RELATIONS = {
    "en": (
        "husband wife son daughter mother mum mom mummy father dad daddy brother sister partner "
        "friend boyfriend girlfriend fiance fiancee grandmother grandma nan nana granny "
        "grandfather grandpa grandad aunt auntie uncle cousin niece nephew neighbour neighbor "
        "colleague boss carer consultant gp surgeon doctor nurse physio physiotherapist "
        "rheumatologist neurologist cardiologist oncologist specialist therapist midwife "
        "stepson stepdaughter stepmother stepfather "
        "mother-in-law father-in-law sister-in-law brother-in-law son-in-law daughter-in-law "
        " baby child kids children twin named called"
    ),
    "it": (
        "marito moglie figlio figlia figlie figli madre mamma padre papà babbo fratello sorella "
        "compagno compagna fidanzato fidanzata amico amica nonna nonno zia zio cugino cugina "
        "nipote vicino vicina collega capo medico dottore dottoressa dottor infermiere "
        "infermiera chirurgo reumatologo reumatologa neurologo neurologa cardiologo cardiologa "
        "oncologo oncologa fisioterapista ostetrica suocera suocero cognato "
        "cognata nuora genero bambino bambina gemello gemella chiama "
        "chiamava nome professor professore professoressa primario primaria"
    ),
    "es": (
        "marido esposo esposa mujer hijo hija hijos madre mamá padre papá hermano hermana "
        "pareja novio novia amigo amiga abuela abuelo tía tío primo prima sobrino sobrina "
        "vecino vecina compañero compañera jefe jefa médico médica doctor doctora enfermero "
        "enfermera cirujano cirujana reumatólogo reumatóloga neurólogo neuróloga cardiólogo "
        "cardióloga oncólogo oncóloga fisioterapeuta matrona suegra suegro "
        "cuñado cuñada nuera yerno bebé niño niña gemelo gemela "
        "llama llamaba llamado llamada nombre"
    ),
}

# Titles written before a name; the name follows at once.
TITLES = (
    "Dr Dr. Doctor Dott. Dott.ssa Dottor Dottoressa Dra. Dra Doctora Prof Prof. Profa. "
    "Professor Professore Professoressa Mr Mr. Mrs Mrs. Ms Ms. Miss Sig. Sig.ra Signor "
    "Signora Sr. Sra. Srta. Señor Señora Don Doña Nurse Sister Suor Padre Father Dña."
)

TITLES_ANY_CASE = (
    "dr. dott. dott.ssa dottor dottoressa dra. doctora prof. profa. professor professore "
    "professoressa sig. sig.ra signor signora sr. sra. señor señora doña"
)

# Words that start or end an organisation's name (case-insensitive when they lead).
ORG_LEADING = {
    "en": "hospital clinic university school infirmary hospice ward unit",
    "it": (
        "ospedale ospedali policlinico clinica istituto azienda asl asst ulss irccs casa "
        "università scuola reparto ambulatorio fondazione presidio centro"
    ),
    "es": (
        "hospital clínica clinica instituto fundación centro complejo universidad colegio "
        "ambulatorio consultorio unidad planta servicio"
    ),
}
ORG_TRAILING = (
    "Hospital Hospitals Infirmary Clinic Hospice Surgery Practice University College School "
    "Trust Foundation Institute Centre Center Ward Unit Ltd Limited Inc Plc PLC S.p.A. "
    "S.r.l. S.L. S.A. Group"
)
# Verbs of working somewhere: the capitalised name after them is an employer.
EMPLOYERS = {
    "en": "work at|work for|worked at|worked for|working at|working for|employed by|job at",
    "it": "lavoro da|lavoro presso|lavoravo da|lavoravo presso|lavora presso|lavora da",
    "es": "trabajo en|trabajaba en|trabaja en|trabajo para|trabajaba para",
}

STREETS_LEADING = (
    "Via Viale Piazza Piazzale Corso Largo Vicolo Strada Calle Avenida Avda. Plaza Paseo "
    "Carrer Camino Ronda Travesía Rue"
)
STREETS_TRAILING = (
    "Street St Road Rd Avenue Ave Lane Ln Drive Dr Close Way Crescent Place Terrace Gardens "
    "Square Grove Hill Row Court Mews Walk Parade"
)

# Sentence-initial words that are also town names somewhere ("Nice", "Como", "Bra"): at the
# start of a sentence they are taken as words, in the middle (capitalised) as places.
COMMON_WORDS = set(
    """
    a after again all also an and another any are as at back be because before being both
    but by can come could day did do does each even every few first for from get go good had
    has have he her here him his home how i if in into is it its just last like made make
    many may me more most much my never new next no not now of off old on once one only or
    other our out over same see she should so some still such than that the their them then
    there these they this those though through to today too two under until up us very was
    we well were what when where which while who why will with would yes yet you your
    nice reading bath split sale hope grace mobile orange marathon gap tours union progress
    a ad al alla anche ancora che chi ci come con così da dal dalla del della di dopo dove
    e ed era fa gli ha ho i il in io la le lei li lo loro lui ma mai mi mio mia ne nel nella
    no non noi o ogni per perché più poi prima quando quello questa questo se sempre senza
    si sono su sua suo ti tra tu tutto tutti un una uno va vita bra ala pace salute
    al algo así aunque cada como con cuando de del desde donde dos el ella ellos en entre
    era es esa ese eso esta este esto fue ha había hay la las le les lo los más me mi mis
    muy nada ni no nos o otra otro para pero poco por porque que quien se si sin sobre su
    sus también tan todo todos tu un una uno y ya hoy ayer luego después antes mayo
    """.split()
)

# Common first names in the site's languages: a capitalised one standing alone is a person.
FIRST_NAMES = set(
    """
    john james david michael peter paul mark tom thomas richard robert william george jack
    harry oliver charlie daniel matthew andrew chris christopher steve stephen simon ben
    sam joe joseph alex anthony tony ian gary kevin brian sean liam noah ethan lucas
    mary sarah emma emily olivia sophie sophia jessica hannah lucy kate katie claire helen
    anne ann jane susan karen linda lisa laura rachel rebecca amy charlotte grace chloe
    megan amelia isla ava mia ella ruby jenny julie fiona nicola louise margaret elizabeth
    giuseppe giovanni antonio mario luigi francesco alessandro andrea marco matteo lorenzo
    luca stefano paolo roberto giorgio riccardo davide simone federico gabriele pietro
    salvatore vincenzo massimo fabio claudio enrico carlo filippo tommaso leonardo edoardo
    maria anna giulia francesca chiara sara laura valentina alessandra elena silvia
    federica martina paola roberta giovanna rosa lucia angela teresa carla monica barbara
    elisa beatrice aurora ginevra alice camilla greta viola serena cristina daniela
    josé jose juan manuel francisco javier jesús jesus carlos miguel rafael pedro pablo
    alejandro fernando jorge luis sergio alberto diego álvaro alvaro raúl raul iván ivan
    rubén ruben óscar oscar adrián adrian mateo hugo martín martin santiago enrique ramón
    carmen josefa isabel ana dolores pilar teresa rosario mercedes cristina marta lucía
    paula sofía sofia sara raquel patricia beatriz nuria silvia irene rocío rocio montse
    inés ines alba julia noelia lorena andrea natalia eva victoria marina claudia
    """.split()
)

# Words that start town names ("San Remo", "Port Talbot") but alone are no town here.
NEVER_ALONE = frozenset(
    "san santa santo sant saint st port fort mount lake new north south east west la el le los "
    "las the great little upper lower".split()
)
