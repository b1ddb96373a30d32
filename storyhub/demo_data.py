"""Demo content for `flask demo load`: written for storyhub, not taken from anywhere."""

DIAGNOSES: list[dict] = [
    # Parents come before their children.
    {
        "slug": "systemic-sclerosis",
        "parent": None,
        "descriptions": {
            "en": (
                "An autoimmune disease in which the skin and sometimes internal organs thicken "
                "and stiffen. Also called scleroderma or SSc."
            ),
            "it": (
                "Una malattia autoimmune in cui la pelle e talvolta gli organi interni si "
                "ispessiscono e si irrigidiscono. Detta anche sclerodermia o SSc."
            ),
            "es": (
                "Una enfermedad autoinmune en la que la piel y a veces los órganos internos se "
                "engrosan y endurecen. También llamada esclerodermia o SSc."
            ),
        },
        "names": {
            "en": "Systemic sclerosis",
            "it": "Sclerosi sistemica",
            "es": "Esclerosis sistémica",
        },
    },
    {
        "slug": "limited-cutaneous-ssc",
        "parent": "systemic-sclerosis",
        "names": {
            "en": "Limited cutaneous systemic sclerosis",
            "it": "Sclerosi sistemica cutanea limitata",
            "es": "Esclerosis sistémica cutánea limitada",
        },
    },
    {
        "slug": "diffuse-cutaneous-ssc",
        "parent": "systemic-sclerosis",
        "names": {
            "en": "Diffuse cutaneous systemic sclerosis",
            "it": "Sclerosi sistemica cutanea diffusa",
            "es": "Esclerosis sistémica cutánea difusa",
        },
    },
    {
        "slug": "ssc-sine-scleroderma",
        "parent": "systemic-sclerosis",
        "names": {
            "en": "Systemic sclerosis sine scleroderma",
            "it": "Sclerosi sistemica sine scleroderma",
            "es": "Esclerosis sistémica sine esclerodermia",
        },
    },
    {
        "slug": "localized-scleroderma",
        "parent": None,
        "descriptions": {
            "en": (
                "Thickened patches or lines of skin, without the internal organ involvement of "
                "systemic sclerosis."
            ),
            "it": (
                "Chiazze o strisce di pelle ispessita, senza il coinvolgimento degli organi "
                "interni della sclerosi sistemica."
            ),
            "es": (
                "Placas o líneas de piel engrosada, sin la afectación de órganos internos de la "
                "esclerosis sistémica."
            ),
        },
        "names": {
            "en": "Localized scleroderma",
            "it": "Sclerodermia localizzata",
            "es": "Esclerodermia localizada",
        },
    },
    {
        "slug": "morphea",
        "parent": "localized-scleroderma",
        "names": {
            "en": "Morphea",
            "it": "Morfea",
            "es": "Morfea",
        },
    },
    {
        "slug": "raynauds-phenomenon",
        "parent": None,
        "descriptions": {
            "en": (
                "Fingers and toes turn white, then blue, then red in the cold or under stress, as"
                " small blood vessels narrow. Common on its own, and in almost everyone with "
                "systemic sclerosis."
            ),
            "it": (
                "Con il freddo o lo stress le dita diventano bianche, poi blu, poi rosse, perché "
                "i piccoli vasi si restringono. Frequente da solo e in quasi tutte le persone con"
                " sclerosi sistemica."
            ),
            "es": (
                "Con el frío o el estrés los dedos se vuelven blancos, luego azules y luego "
                "rojos, porque los vasos pequeños se estrechan. Frecuente por sí solo y en casi "
                "todas las personas con esclerosis sistémica."
            ),
        },
        "names": {
            "en": "Raynaud's phenomenon",
            "it": "Fenomeno di Raynaud",
            "es": "Fenómeno de Raynaud",
        },
    },
    {
        "slug": "calcinosis-cutis",
        "parent": None,
        "descriptions": {
            "en": (
                "Deposits of calcium in or under the skin, often on fingers and elbows; they can "
                "feel like small hard lumps."
            ),
            "it": (
                "Depositi di calcio nella pelle o sotto di essa, spesso su dita e gomiti; si "
                "sentono come piccoli noduli duri."
            ),
            "es": (
                "Depósitos de calcio en la piel o bajo ella, a menudo en dedos y codos; se notan "
                "como pequeños bultos duros."
            ),
        },
        "names": {
            "en": "Calcinosis cutis",
            "it": "Calcinosi cutanea",
            "es": "Calcinosis cutánea",
        },
    },
    {
        "slug": "overlap-syndrome",
        "parent": None,
        "names": {
            "en": "Overlap syndrome",
            "it": "Sindrome da overlap",
            "es": "Síndrome de superposición",
        },
    },
]

TOPICS: list[dict] = [
    # Topic pages: title and a short description (paragraphs separated by a blank line).
    {
        "slug": "calcinosis",
        "position": 1,
        # Suggest this topic to moderators when a story mentions one of these.
        "keywords": [
            "calcinosis",
            "calcinosi",
            "calcinose",
            "calcium",
            "calcio",
            "calcification",
            "calcificazione",
            "calcificación",
            "chalky",
            "gessosa",
            "calcáreo",
        ],
        "title": {
            "en": "Calcinosis: calcium deposits under the skin",
            "it": "Calcinosi: depositi di calcio sotto la pelle",
            "es": "Calcinosis: depósitos de calcio bajo la piel",
        },
        "description": {
            "en": (
                "Calcinosis means small deposits of calcium forming in or under the skin. In "
                "people with scleroderma and related conditions they most often appear on the "
                "fingers, elbows, knees or other pressure points, and they can feel like hard, "
                "chalky lumps. Some cause no trouble at all, while others can be tender, limit "
                "movement or occasionally break through the skin.\n\n"
                "The stories in this topic share what living with calcinosis has been like for "
                "different people: the small adjustments, the frustrations and what helped them "
                "cope. They are personal experiences, not medical advice. Approaches vary a great "
                "deal from one person to another, so if you notice new lumps, pain or any change "
                "in your skin, please talk to your doctor or specialist team."
            ),
            "it": (
                "Con calcinosi si indicano piccoli depositi di calcio che si formano nella pelle o "
                "sotto di essa. Nelle persone con sclerodermia e malattie correlate compaiono più "
                "spesso su dita, gomiti, ginocchia o altri punti di appoggio, e al tatto possono "
                "sembrare noduli duri e gessosi. Alcuni non danno alcun fastidio, altri possono "
                "essere dolenti, limitare i movimenti o talvolta aprirsi sulla superficie della "
                "pelle.\n\n"
                "Le storie raccolte in questo tema raccontano come diverse persone convivono con "
                "la calcinosi: i piccoli adattamenti, le frustrazioni e ciò che le ha aiutate ad "
                "affrontarla. Sono esperienze personali, non consigli medici. Gli approcci "
                "possibili variano molto da persona a persona: se notate nuovi noduli, dolore o "
                "cambiamenti della pelle, parlatene con il vostro medico o con il vostro centro "
                "specialistico."
            ),
            "es": (
                "La calcinosis consiste en pequeños depósitos de calcio que se forman en la piel o "
                "debajo de ella. En las personas con esclerodermia y enfermedades relacionadas "
                "aparecen con más frecuencia en los dedos, los codos, las rodillas u otros puntos "
                "de apoyo, y al tacto pueden sentirse como bultos duros y calcáreos. Algunos no "
                "causan molestias, mientras que otros pueden doler, limitar el movimiento o, en "
                "ocasiones, abrirse a través de la piel.\n\n"
                "Las historias de este tema cuentan cómo distintas personas conviven con la "
                "calcinosis: los pequeños ajustes, las frustraciones y lo que les ayudó a "
                "sobrellevarla. Son experiencias personales, no consejos médicos. Los enfoques "
                "varían mucho de una persona a otra, así que si nota bultos nuevos, dolor o "
                "cualquier cambio en la piel, hable con su médico o con su equipo especializado."
            ),
        },
    },
    {
        "slug": "raynauds",
        "position": 2,
        # Suggest this topic to moderators when a story mentions one of these.
        "keywords": [
            "raynaud",
            "white fingers",
            "dita bianche",
            "dedos blancos",
            "cold fingers",
            "dita fredde",
            "dedos fríos",
            "digital ulcer",
            "ulcera digitale",
            "úlcera digital",
            "hand warmer",
            "scaldamani",
            "guanti",
            "gloves",
            "guantes",
        ],
        "title": {
            "en": "Raynaud's: cold fingers, colour changes and ulcers",
            "it": "Raynaud: dita fredde, cambi di colore e ulcere",
            "es": "Raynaud: dedos fríos, cambios de color y úlceras",
        },
        "description": {
            "en": (
                "Raynaud's phenomenon is an exaggerated response of the small blood vessels in the "
                "fingers and toes to cold or stress. During an episode the fingers may turn white, "
                "then blue or purple, and then red as blood flow returns, often with numbness, "
                "tingling or throbbing. Many people have Raynaud's on its own, but it is also very "
                "common in scleroderma, where it can sometimes be associated with painful sores "
                "called digital ulcers.\n\n"
                "Here people describe the everyday side of living with Raynaud's: gloves in every "
                "pocket, cold supermarket aisles, explaining colour changes to colleagues, and "
                "coping with ulcers when they happen. These are personal accounts rather than "
                "medical guidance. If your fingers change colour, if you develop sores that are "
                "slow to heal, or if your symptoms change, please talk to your doctor."
            ),
            "it": (
                "Il fenomeno di Raynaud è una risposta eccessiva dei piccoli vasi sanguigni delle "
                "dita delle mani e dei piedi al freddo o allo stress. Durante un episodio le dita "
                "possono diventare bianche, poi blu o violacee e infine rosse quando il flusso di "
                "sangue ritorna, spesso con intorpidimento, formicolio o pulsazioni. Molte persone "
                "hanno il Raynaud da solo, ma è anche molto frequente nella sclerodermia, dove a "
                "volte può accompagnarsi a lesioni dolorose chiamate ulcere digitali.\n\n"
                "Qui le persone raccontano la vita quotidiana con il Raynaud: i guanti in ogni "
                "tasca, i reparti surgelati del supermercato, le spiegazioni ai colleghi sui cambi "
                "di colore e il modo di affrontare le ulcere quando compaiono. Sono racconti "
                "personali, non indicazioni mediche. Se le vostre dita cambiano colore, se "
                "compaiono ferite che guariscono lentamente o se i sintomi cambiano, parlatene con "
                "il vostro medico."
            ),
            "es": (
                "El fenómeno de Raynaud es una respuesta exagerada de los pequeños vasos "
                "sanguíneos de los dedos de las manos y los pies al frío o al estrés. Durante un "
                "episodio los dedos pueden ponerse blancos, luego azules o morados y por último "
                "rojos cuando vuelve la circulación, a menudo con adormecimiento, hormigueo o "
                "latidos. Muchas personas tienen Raynaud de forma aislada, pero también es muy "
                "frecuente en la esclerodermia, donde a veces puede acompañarse de lesiones "
                "dolorosas llamadas úlceras digitales.\n\n"
                "Aquí las personas cuentan el lado cotidiano de vivir con Raynaud: guantes en cada "
                "bolsillo, los pasillos fríos del supermercado, explicar los cambios de color a "
                "los compañeros de trabajo y sobrellevar las úlceras cuando aparecen. Son relatos "
                "personales, no orientación médica. Si sus dedos cambian de color, si aparecen "
                "heridas que tardan en cicatrizar o si los síntomas cambian, hable con su médico."
            ),
        },
    },
    {
        "slug": "diagnosis-journey",
        "position": 3,
        # Suggest this topic to moderators when a story mentions one of these.
        "keywords": [
            "diagnosis",
            "diagnosed",
            "diagnosi",
            "diagnóstico",
            "diagnosticado",
            "rheumatologist",
            "reumatolog",
            "capillaroscopy",
            "capillaroscopia",
            "capilaroscopia",
            "specialist",
            "specialista",
            "especialista",
        ],
        "title": {
            "en": "The road to a diagnosis",
            "it": "Il percorso verso la diagnosi",
            "es": "El camino hacia el diagnóstico",
        },
        "description": {
            "en": (
                "Getting a diagnosis of scleroderma or a related condition can take a long time. "
                "Early symptoms such as puffy fingers, tiredness, cold hands or tight skin are "
                "common to many conditions, and people often see several doctors before someone "
                "puts the pieces together. For many, the moment of diagnosis brings a mix of fear "
                "and relief at finally having a name for what is happening.\n\n"
                "The stories in this topic follow that road: first signs, tests and referrals, "
                "finding a specialist, and telling family and friends. Every path is different, "
                "and nothing here replaces a conversation with a doctor. If you are worried about "
                "symptoms, or are still waiting for answers, please talk to your doctor about what "
                "you are experiencing and whether a referral might help."
            ),
            "it": (
                "Arrivare a una diagnosi di sclerodermia o di una malattia correlata può "
                "richiedere molto tempo. I primi sintomi, come dita gonfie, stanchezza, mani "
                "fredde o pelle tesa, sono comuni a molte condizioni, e spesso si consultano "
                "diversi medici prima che qualcuno metta insieme i pezzi. Per molte persone il "
                "momento della diagnosi porta insieme paura e sollievo, perché finalmente ciò che "
                "accade ha un nome.\n\n"
                "Le storie di questo tema percorrono quella strada: i primi segnali, gli esami e "
                "le visite, la ricerca di uno specialista e il momento di parlarne con familiari e "
                "amici. Ogni percorso è diverso, e nulla di ciò che leggete qui sostituisce il "
                "confronto con un medico. Se i sintomi vi preoccupano o state ancora aspettando "
                "risposte, parlatene con il vostro medico, anche per capire se una visita "
                "specialistica possa essere utile."
            ),
            "es": (
                "Llegar a un diagnóstico de esclerodermia o de una enfermedad relacionada puede "
                "llevar mucho tiempo. Los primeros síntomas, como dedos hinchados, cansancio, "
                "manos frías o piel tirante, son comunes a muchas afecciones, y a menudo se "
                "consulta a varios médicos antes de que alguien junte las piezas. Para muchas "
                "personas, el momento del diagnóstico trae a la vez miedo y alivio por tener por "
                "fin un nombre para lo que les pasa.\n\n"
                "Las historias de este tema recorren ese camino: las primeras señales, los "
                "estudios y las derivaciones, la búsqueda de un especialista y el momento de "
                "contárselo a la familia y a los amigos. Cada camino es distinto, y nada de lo que "
                "se lee aquí reemplaza una conversación con un médico. Si le preocupan sus "
                "síntomas o todavía espera respuestas, hable con su médico sobre lo que le sucede "
                "y sobre si una consulta con un especialista podría ayudar."
            ),
        },
    },
]

STORIES: list[dict] = [
    # `key` is a stable identifier used to make loading idempotent.
    {
        "key": "giulia-calcinosis",
        "author_name": "Giulia",
        "relation": "self",
        "relation_detail": "",
        "email": "giulia.demo@example.org",
        "country": "IT",
        "language": "it",
        "diagnoses": [
            "limited-cutaneous-ssc",
            "raynauds-phenomenon",
            "calcinosis-cutis",
        ],
        "topics": ["calcinosis", "raynauds"],
        "status": "published",
        "days_ago": 120,
        "title": "I sassolini sotto la pelle",
        "body": (
            "Per anni ho pensato che quei piccoli noduli bianchi sulle dita fossero solo calli "
            "dovuti al mio lavoro in sartoria. Avevo la diagnosi di sclerodermia cutanea limitata "
            "da quasi dieci anni, e il Raynaud faceva parte delle mie giornate da molto prima: "
            "d'inverno i guanti non li toglievo nemmeno in casa.\n\n"
            "Poi uno di quei noduli, sul polpastrello dell'indice, ha cominciato a far male ogni "
            "volta che premevo un bottone o scrivevo al computer. Una mattina si è aperto e ne è "
            "uscita una specie di pasta gessosa. Mi sono spaventata, e anche un po' vergognata, "
            "non so bene perché.\n\n"
            "Al controllo successivo la mia reumatologa mi ha spiegato che si trattava di "
            "calcinosi, depositi di calcio che in alcune persone con la sclerodermia si formano "
            "sotto la pelle. Mi ha fatto fare una radiografia della mano e abbiamo parlato con "
            "calma di cosa si poteva fare nel mio caso. Non esiste una risposta uguale per tutti, "
            "e all'inizio questo mi ha frustrata.\n\n"
            "Quello che mi ha aiutata di più, onestamente, è stato smettere di nasconderlo. Ne ho "
            "parlato con mia sorella e con le colleghe, e ho scoperto che chiedere aiuto per un "
            "orlo difficile non mi rende meno brava nel mio mestiere. Ho imparato a proteggere le "
            "dita con i cerotti nei giorni peggiori e a fermarmi quando il dolore me lo chiede.\n\n"
            "Scrivo questa storia perché, quando cercavo informazioni, trovavo solo foto "
            "spaventose. La calcinosi è fastidiosa, a volte dolorosa, ma non è tutta la mia vita. "
            "Se notate qualcosa di simile, parlatene con il vostro medico senza aspettare come ho "
            "fatto io."
        ),
        "translations": [
            {
                "language": "en",
                "translator_name": "Anna B.",
                "title": "The little stones under my skin",
                "body": (
                    "For years I thought the small white lumps on my fingers were just calluses "
                    "from my work as a seamstress. I had been diagnosed with limited cutaneous "
                    "scleroderma almost ten years earlier, and Raynaud's had been part of my days "
                    "for much longer than that: in winter I did not take my gloves off even "
                    "indoors.\n\n"
                    "Then one of those lumps, on the tip of my index finger, started to hurt every "
                    "time I pressed a button or typed at the computer. One morning it opened and a "
                    "sort of chalky paste came out. I was frightened, and a little ashamed too, "
                    "though I am not quite sure why.\n\n"
                    "At my next check-up my rheumatologist explained that it was calcinosis, "
                    "calcium deposits that form under the skin in some people with scleroderma. "
                    "She sent me for an X-ray of my hand and we talked calmly about what could be "
                    "done in my case. There is no single answer that works for everyone, and at "
                    "first that frustrated me.\n\n"
                    "Honestly, what helped me most was to stop hiding it. I talked about it with "
                    "my sister and my colleagues, and I discovered that asking for help with a "
                    "tricky hem does not make me any less good at my job. I have learned to "
                    "protect my fingers with plasters on the worst days and to stop when the pain "
                    "tells me to.\n\n"
                    "I am writing this story because, when I was looking for information, I only "
                    "found frightening photos. Calcinosis is a nuisance, sometimes painful, but it "
                    "is not my whole life. If you notice something similar, talk to your doctor "
                    "without waiting the way I did."
                ),
            },
        ],
    },
    {
        "key": "marco-diagnosis",
        "author_name": "Marco",
        "relation": "self",
        "relation_detail": "",
        "email": "marco.demo@example.org",
        "country": "CH",
        "language": "it",
        "diagnoses": ["diffuse-cutaneous-ssc"],
        "topics": ["diagnosis-journey"],
        "status": "published",
        "days_ago": 95,
        "title": "Diciotto mesi per dare un nome alle cose",
        "body": (
            "Ci sono voluti diciotto mesi e quattro specialisti prima che qualcuno pronunciasse la "
            "parola sclerodermia. Tutto è cominciato con le mani gonfie al mattino: pensavo di "
            "aver esagerato in palestra, e per un po' anche il mio medico di famiglia la pensava "
            "così.\n\n"
            "Poi la pelle degli avambracci è diventata tesa e lucida, e facevo fatica a chiudere "
            "il pugno. Lavoro come programmatore a Lugano, e ricordo il giorno in cui ho capito "
            "che scrivere codice mi costava uno sforzo nuovo, come se le dita fossero dentro un "
            "guanto troppo stretto. Sono passato da un dermatologo a un ortopedico, con esami che "
            "non dicevano nulla di chiaro.\n\n"
            "La svolta è arrivata quando una dottoressa del pronto soccorso, dopo avermi guardato "
            "le mani, mi ha indirizzato a un centro di reumatologia. Lì, in poche settimane, mi "
            "hanno fatto la capillaroscopia e degli esami del sangue mirati. La diagnosi di "
            "sclerosi sistemica cutanea diffusa è stata un colpo, ma anche un sollievo: finalmente "
            "il problema aveva un nome e un'équipe che lo conosceva.\n\n"
            "Dirlo ai miei genitori è stata la parte più difficile. Mia madre ha cercato tutto su "
            "internet e ha passato una settimana a piangere. Le ho chiesto di venire con me alla "
            "visita successiva, e sentire le risposte direttamente dalla reumatologa ha aiutato "
            "entrambi.\n\n"
            "Oggi ho giornate buone e giornate in cui la stanchezza vince. A me, durante quei "
            "diciotto mesi, è servito tenere un diario dei sintomi con date e fotografie: mi ha "
            "permesso di mostrare ai medici cose che in dieci minuti di visita non si vedono. A "
            "chi è ancora nel mezzo di questo percorso vorrei dire di non arrendersi e di "
            "continuare a fare domande."
        ),
    },
    {
        "key": "elena-mother-raynaud",
        "author_name": "E.R.",
        "relation": "family",
        "relation_detail": "daughter of a patient",
        "email": "elena.demo@example.org",
        "country": "IT",
        "language": "it",
        "diagnoses": ["systemic-sclerosis", "raynauds-phenomenon"],
        "topics": ["raynauds", "diagnosis-journey"],
        "status": "published",
        "days_ago": 60,
        "title": "Mia madre e i guanti di lana",
        "body": (
            "Da bambina pensavo che mia madre avesse solo le mani fredde, e che i guanti di lana "
            "portati anche a maggio fossero una sua stranezza. Solo molti anni dopo ho capito che "
            "quel cambio di colore delle dita, prima bianche, poi viola, poi rosse, aveva un nome: "
            "fenomeno di Raynaud.\n\n"
            "La diagnosi di sclerosi sistemica è arrivata quando lei aveva cinquantadue anni e io "
            "venticinque. Ricordo la sala d'attesa dell'ospedale, lei che stringeva la borsa e io "
            "che fingevo di essere tranquilla. All'uscita mi ha detto: almeno adesso sappiamo che "
            "non me lo sono inventato. In quella frase c'erano anni di visite in cui le avevano "
            "detto che era solo stress.\n\n"
            "Essere la figlia di una paziente significa imparare un linguaggio nuovo. Ho imparato "
            "ad aprirle i barattoli senza farlo notare, a tenere sempre un paio di guanti di "
            "scorta in macchina, a non fare troppe domande nei giorni in cui è stanca. Ho anche "
            "imparato che non tocca a me decidere cosa è meglio per lei: il mio compito è esserci "
            "e accompagnarla alle visite quando me lo chiede.\n\n"
            "Ci sono stati momenti difficili, soprattutto il primo inverno, quando una piccola "
            "ulcera su un dito ha impiegato settimane a guarire. Ma ci sono anche molte cose "
            "belle: mia madre ha ripreso a dipingere, con pennelli dal manico più grosso, e il suo "
            "ultimo quadro è appeso nel mio soggiorno.\n\n"
            "Se anche voi accompagnate un genitore, ricordatevi di chiedere aiuto anche per voi "
            "stessi. Io ho trovato sollievo parlando con altri familiari in un gruppo di sostegno, "
            "dove nessuno si stupisce se arrivi con una borsa piena di guanti."
        ),
    },
    {
        "key": "sarah-raynauds",
        "author_name": "Sarah",
        "relation": "self",
        "relation_detail": "",
        "email": "sarah.demo@example.org",
        "country": "GB",
        "language": "en",
        "diagnoses": ["raynauds-phenomenon", "limited-cutaneous-ssc"],
        "topics": ["raynauds"],
        "status": "published",
        "days_ago": 200,
        "title": "Learning to live with winter",
        "body": (
            "I have spent most of my adult life with cold hands, and for a long time I simply "
            "thought that was who I was. Growing up in Leeds, nobody remarked on it much; you wore "
            "gloves and got on with it.\n\n"
            "It was a colleague who first noticed that my fingers had gone completely white during "
            "a meeting in a chilly office. Within a few minutes they turned blue and then a "
            "throbbing red as they warmed up. She said her aunt had something similar and "
            "suggested I mention it to my GP. I nearly didn't, because it felt like such a small "
            "thing to bother anyone with.\n\n"
            "My GP listened, ran some blood tests and referred me to a rheumatologist. The wait "
            "felt very long. When I finally had the appointment, I learned that my Raynaud's was "
            "linked to limited cutaneous systemic sclerosis, which explained the tight skin on my "
            "fingers and a few other things I had put down to getting older.\n\n"
            "The practical side of life changed more than I expected. I keep hand warmers in every "
            "coat pocket, I take the stairs slowly on frosty mornings so I don't have to grip the "
            "cold railing, and I have a heated mouse at work that my manager arranged without any "
            "fuss. Supermarket freezer aisles are still my nemesis.\n\n"
            "The emotional side took longer. I grieved for the version of me who never thought "
            "about her hands. Talking to people who understood helped enormously, and I found a "
            "local group through https://example.org/support-group where people swap tips on "
            "gloves the way other people swap recipes.\n\n"
            "If you recognise yourself in any of this, please don't wait as long as I did to bring "
            "it up with your doctor."
        ),
        "updates": [
            {
                "days_ago": 30,
                "title": "(Update) Six months on, and a kinder winter",
                "body": (
                    "It has been about six months since I shared my story, so I wanted to add a "
                    "short update for anyone who read it.\n\n"
                    "This winter has been kinder to me than the last one. Nothing dramatic "
                    "changed: my rheumatology team and I reviewed how things were going and made "
                    "some adjustments together, and I have become much better at noticing early "
                    "when my fingers start to change colour and getting somewhere warm.\n\n"
                    "I did have one small ulcer on a fingertip in January, which was painful and "
                    "made typing slow for a few weeks. This time I rang the clinic straight away "
                    "instead of waiting and worrying on my own, and I felt far less alone with "
                    "it.\n\n"
                    "The biggest change is that I now talk about Raynaud's openly. I explained it "
                    "to my nephew's class when they were learning about the body, and the children "
                    "were fascinated by the idea of fingers changing colour like traffic lights. "
                    "Several people have written to me after reading my story here, and I am "
                    "grateful to every one of them.\n\n"
                    "Thank you for reading, and stay warm."
                ),
            },
        ],
    },
    {
        "key": "james-caregiver",
        "author_name": "James",
        "relation": "partner",
        "relation_detail": "husband of a patient",
        "email": "james.demo@example.org",
        "country": "US",
        "language": "en",
        "diagnoses": ["diffuse-cutaneous-ssc"],
        "topics": ["diagnosis-journey"],
        "status": "published",
        "days_ago": 75,
        "title": "What I learned in the waiting room",
        "body": (
            "When my wife Dana was diagnosed with diffuse scleroderma, I realized I knew almost "
            "nothing about the disease. I could barely spell it. We had been married eleven years, "
            "and I was used to being the one who fixed things.\n\n"
            "The first months were a blur of appointments. Dana's skin was tightening fast, her "
            "hands hurt in the mornings, and she was exhausted in a way that sleep did not touch. "
            "I took notes at every visit because she was too tired to remember everything, and "
            "because writing things down made me feel useful.\n\n"
            "What I did not expect was how much of my job would be listening rather than fixing. "
            "Some days she wanted to talk about the future; other days she wanted to watch a "
            "baseball game and not mention the word scleroderma at all. I learned to ask which "
            "kind of day it was.\n\n"
            "There were practical changes too. We swapped the round door knobs for lever handles, "
            "bought a jar opener that actually works, and moved the things she uses most to the "
            "middle shelves. Her employer let her work from home during flares, which made a real "
            "difference to her confidence.\n\n"
            "I also learned that caregivers need somewhere to put their own worries. For a long "
            "time I told friends everything was fine. It was Dana who pushed me to join an online "
            "group for partners, and talking to other husbands and wives living the same thing was "
            "a relief I had not known I needed.\n\n"
            "She is doing better now than in that first year, and we laugh more than we did. If "
            "you are the person in the waiting room, you are not alone."
        ),
    },
    {
        "key": "hannah-morphea",
        "author_name": "H.",
        "relation": "self",
        "relation_detail": "",
        "email": "hannah.demo@example.org",
        "country": "AU",
        "language": "en",
        "diagnoses": ["localized-scleroderma", "morphea"],
        "topics": [],
        "status": "pending",
        "days_ago": 3,
        "title": "A patch on my side that turned out to have a name",
        "body": (
            "I was thirty-four when I noticed a shiny, slightly purple patch of skin on my side "
            "that felt oddly firm when I touched it. It did not hurt or itch, so I ignored it for "
            "the best part of a year.\n\n"
            "When it grew to about the size of my palm, my partner convinced me to get it checked. "
            "My GP was honest that she was not sure what it was and sent me to a dermatologist in "
            "Brisbane, who took a small biopsy. The result came back as morphea, a form of "
            "localized scleroderma.\n\n"
            "The word scleroderma frightened me at first, because the first things I read online "
            "were about the systemic form, which can affect internal organs. My dermatologist took "
            "the time to explain the difference between localized and systemic scleroderma and "
            "what we would keep an eye on in my case. I left that appointment with far more of my "
            "questions answered than I had expected.\n\n"
            "Living with morphea has mostly been about patience. The patch has softened a little "
            "over time, though the colour is still there. I feel self-conscious at the beach "
            "sometimes, and I have stopped wearing one favourite pair of jeans because the "
            "waistband rubbed on it.\n\n"
            "I wanted to share this because there are fewer stories about localized scleroderma, "
            "and reading even one would have made me feel less alone when I was first diagnosed. "
            "If you have a patch of skin that is changing, it is worth asking your doctor about it."
        ),
    },
    {
        "key": "lucia-overlap",
        "author_name": "Lucía",
        "relation": "self",
        "relation_detail": "",
        "email": "lucia.demo@example.org",
        "country": "AR",
        "language": "es",
        "diagnoses": ["overlap-syndrome", "raynauds-phenomenon", "calcinosis-cutis"],
        "topics": ["calcinosis", "raynauds"],
        "status": "published",
        "days_ago": 30,
        "title": "Mis codos, mis dedos y mi paciencia",
        "body": (
            "Tengo un síndrome de superposición, y durante mucho tiempo eso me hizo sentir que no "
            "encajaba en ningún grupo de pacientes. Mi reumatóloga en Córdoba me explicó que tengo "
            "rasgos de esclerodermia y también de otra enfermedad autoinmune, y que por eso mis "
            "síntomas no siempre se parecen a los que leo en los folletos.\n\n"
            "Lo primero fue el Raynaud. En invierno, cuando esperaba el colectivo a las siete de "
            "la mañana, las puntas de los dedos se me ponían blancas y después moradas. Aprendí a "
            "llevar dos pares de guantes, uno fino y otro de lana encima, y a calentarme las manos "
            "con el mate antes de salir.\n\n"
            "Años después aparecieron unos bultos duros en los codos y en un dedo. Era calcinosis. "
            "Al principio no les di importancia, hasta que uno en el codo empezó a rozar con la "
            "mesa cada vez que escribía en la computadora. Ahora apoyo el brazo sobre un almohadón "
            "pequeño y trabajo con pausas más largas. Cada decisión sobre cómo tratarlos la fuimos "
            "tomando con mi médica, paso a paso, porque lo que le sirve a una persona no siempre "
            "le sirve a otra.\n\n"
            "Lo que más me costó fue contárselo a mi familia. Mi papá todavía me pregunta si no "
            "será el frío de la casa, y yo se lo explico otra vez, con paciencia. Mis hijas, en "
            "cambio, me ayudan a abrir los frascos y me recuerdan que lleve los guantes.\n\n"
            "Comparto mi historia porque me habría gustado leer algo así cuando me diagnosticaron. "
            "Si tienen síntomas parecidos, hablen con su médico y no se queden con la duda."
        ),
    },
]
