"""The safety net: rule-based detection of immediate danger, in English and French.

It backs up the classifier. When it fires, the NLU pipeline forces the `emergency` intent, so
the user gets 911 first even when the model is unsure or wrong. It is deliberately simple to read:
each category is a list of regular expressions over a normalised text.

Normalisation makes the patterns robust to how people type in a hurry:
lower case, accents removed (sécurité -> securite), English contractions expanded
(he's -> he is, cant -> can not), apostrophes to spaces (m'a -> m a), letters repeated three times
or more cut to two (pleeease -> please), and small typos corrected towards the words the patterns
use (outsde -> outside, enfermee -> enfermee, kil -> kill).

Statements of being safe ("I'm safe now", "je ne suis plus en danger") are removed before the
danger patterns run, so they do not fire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from bot.shared.language import is_word, strip_accents

SELF_HARM = "self_harm"

_SUBJ_EN = r"(?:he|she|they|someone|somebody|some guy|a guy|a man|men|people|him|them|my (?:pimp|boyfriend|bf|ex|boss|dad|father|stepdad|uncle|husband|trafficker|manager)|the (?:man|guy|men|boss|pimp))"
_SUBJ_FR = r"(?:il|elle|ils|elles|on|quelqu un|quelquun|qqn|un gars|un homme|des hommes|(?:le|ce|cet) (?:gars|type|homme|bonhomme)(?: de \w+)?|l homme(?: de \w+)?|mon (?:pimp|proxenete|copain|chum|ex|patron|boss|pere|beau pere|oncle|mari|trafiquant))"

PATTERNS: Dict[str, List[str]] = {
    "intruder": [
        # trying to get in, or at the door, now
        r"\b(?:trying to|tryna|about to) (?:open|unlock|get through) (?:my|the|our) (?:\w+ )?(?:door|window)\b|\b(?:pounding|hitting|banging|kicking) (?:on )?(?:the|my|our) (?:\w+ )?door\b",
        r"\b(?:essaie|essaye|essaient|essayent) (?:de|d) (?:rentrer|entrer|ouvrir) (?:\w+ ){0,3}(?:porte|fenetre|chez)\b|\b(?:arrete|arretent) (?:pas|plus|pu) de (?:cogner|frapper|sonner)\b",
        r"\b(?:parked|waiting|sitting) (?:right )?(?:outside|in front of|downstairs from|below) my (?:house|building|place|apartment|apt|window)\b|\bcome down or (?:we|i) come up\b|\b(?:he|she|they) can see me\b",
        r"\b(?:m attend|m attendent|est|sont) en bas de (?:mon|chez) (?:bloc|immeuble|appart|moi)\b|\bregardent? ma fenetre\b|\bil (?:est|etait) dans la cour\b|\b(?:il|ils) montent?\s*$",
        r"\b(?:is|are) (?:inside|in) my (?:room|house|apartment|bedroom|place)\b(?=.*\b(?:right now|now|rn|i hear|i can hear)\b)",
        r"\blocked myself in\b|\bje me suis (?:barree?|enfermee?) dans\b",
        r"\b(?:followed|has followed) me (?:\w+ ){0,8}(?:and|now) (?:he|she|they)(?: is| are)? (?:still|waiting|behind|outside|keeps)\b|\b(?:m a|m ont) suivie? (?:\w+ ){0,4}(?:il|ils) (?:est|sont)\b",
        r"\b(?:tourne|tournent) en (?:char|auto|voiture) (?:\w+ ){0,3}pour me (?:retrouver|trouver)\b|\bfont demi tour pour (?:venir )?me (?:chercher|prendre)\b",
        # EN
        r"\b(?:break|breaking|broke|broken|kick|kicking|kicked|bang|banging|banged|pound|pounding|smash|smashing|smashed|bust|busting|busted|force|forcing|forced) (?:down |in |open |through )?(?:the |my |our |his )?(?:door|window)",
        r"\b(?:breaking|broke|broken|busting|forcing his way|forcing their way|trying to get|trying to break|about to break|going to break) in(?:to)?\b",
        _SUBJ_EN
        + r" (?:is |are |just |still )*(?:outside|at|in front of|banging on|knocking on|by|waiting (?:outside|at|by)) (?:my|the|our|this) (?:door|house|home|apartment|apt|room|window|place|building|car|trailer|bunkhouse|camper|cabin|motel room|hotel room)",
        _SUBJ_EN
        + r" (?:is|are) (?:here|coming|on (?:his|her|their) way|inside|in the house|downstairs|upstairs|back)\s*(?:now|right now)?$",
        _SUBJ_EN + r" (?:is|are) (?:here|coming|inside|in the house)\b(?! to )",
        _SUBJ_EN + r" (?:just |has |have |finally )?(?:found|tracked|caught) me\b",
        r"\bthere (?:is|are) (?:someone|somebody|a guy|a man|men|people|guys) (?:\w+ )?(?:outside|at|banging on|in front of) (?:my|the|our) (?:door|house|window|room|apartment)\b",
        r"\b(?:following|followed|stalking|chasing|watching) me (?:right )?now\b",
        r"\b(?:circling|driving around|driving round|keeps driving around) (?:the|my|our) (?:block|building|house)\b|\bfait le tour du (?:bloc|bloc appartement|bloc)\b",
        r"\b(?:is|are|keeps|keep) (?:following|stalking|chasing) me\b",
        r"\b(?:coming|come) (?:for|to get|after) me\b",
        r"\b(?:stranger|someone|somebody|a man|a guy|men|people) (?:is |are )?(?:in|inside) (?:my|our|the) (?:house|room|home|apartment|apt|bedroom)\b",
        r"\b(?:i am |im )?hiding (?:in|under|from)\b",
        # anyone at my door, with a sign that it is now or frightening ("the man who sold me is at my door")
        r"\b(?:is|are) (?:right )?(?:at|outside|in front of|banging on|knocking on|pounding on) (?:my|our|this) (?:front )?(?:door|window|house|apartment|apt|room)\b(?=.*\b(?:right now|now|rn|peephole|i can see|i can hear|scared|help)\b)",
        r"\b(?:est|sont) (?:devant|a|dans) (?:ma|notre) (?:porte|fenetre|maison|chambre|appart|appartement)\b(?=.*\b(?:maintenant|en ce moment|la|live|peur|aide|je le vois|je l entends|judas)\b)",
        r"\b(?:looking|searching|hunting) for me\b",
        r"\b(?:hear|heard|see|saw) (?:him|them|her|someone|somebody) (?:coming|outside|at the door|downstairs|in the house|breaking)\b",
        r"\b(?:coming up the stairs|on (?:his|her|their) way (?:here|over|to get me|to my))",
        r"\boutside waiting for me\b|\bwaiting for me outside\b",
        r"\b(?:is|are|he is|she is|they are|s) on (?:his|her|their) way\b|\bon (?:his|her|their) way (?:here|over|back)\b",
        r"\b(?<!not )(?<!never )(?<!longer )(?:know|knows|found out) where i (?:am|live|am staying)\b",
        r"\b(?:just )?showed up at (?:my|the) (?:house|door|shelter|school|work|place|apartment)\b",
        r"\b(?:chasing|chased|following) me\b",
        r"(?<!phone )(?<!cell )(?<!account )\b(?:been|being|am being|getting|got) (?:followed|chased|stalked|watched)\b",
        r"\b(?:in the next room|in the other room|right outside|down the hall)\b.*\b(?:he|she|they|him|them)\b|\bcan not talk\b.*\b(?:he|she|they) (?:is|are)\b",
        r"\b(?:picture|photo|pic|video) of my (?:front )?(?:door|house|building|car|window|street)\b|\bsee you in \d+\b",
        r"\b(?:getting|being) (?:moved|taken|sent|shipped) (?:to another city|out of town|away|tonight|to another)\b",
        # FR
        r"\b(?:defonce|defoncer|defoncent|defoncee|enfonce|enfoncer|enfoncent|casse|casser|cassent|frappe|frappent|cogne|cognent|tape|tapent|force|forcer|forcent) (?:a |sur |contre |dans )?(?:la|ma|notre) (?:porte|fenetre)",
        # "a la maison" is "at home": only "a ma porte", "devant la maison", "derriere chez moi"...
        _SUBJ_FR
        + r" (?:est|sont|attend|attendent) (?:juste |encore )?(?:(?:devant|derriere) (?:ma|la|notre|mon|chez)|a (?:ma|notre|mon)) ?(?:porte|maison|fenetre|chambre|appartement|appart|immeuble|moi|nous)\b",
        # "il est là" is danger; "quelqu'un est là ?" is a greeting, so no "quelqu'un" here
        r"\b(?:il|elle|ils|elles|mon (?:pimp|proxenete|copain|chum|ex|patron|boss|pere|beau pere|oncle|mari|trafiquant)) (?:est|sont) (?:ici|dehors|en bas|en route|en chemin|dans la maison|revenu|revenus|la)\s*(?:maintenant|en ce moment)?$",
        _SUBJ_FR + r" (?:est|sont) (?:ici|dehors|en bas|en route|en chemin|dans la maison)\b",
        _SUBJ_FR + r" (?:me|m) (?:a|ont) (?:trouve|trouvee|retrouve|retrouvee)\b",
        r"\b(?:y a|ya|il y a|y en a) (?:un|une|des|quelqu un|qqn|deux|trois) ?(?:\w+ )?(?:devant|a|derriere|qui frappe a) (?:ma|la|notre) (?:porte|fenetre|maison)\b",
        r"\b(?:me suit|me suivent|me poursuit|me poursuivent|me traque|me traquent)\b",
        r"\b(?:vient|viennent) (?:me chercher|pour moi)\b",
        r"\b(?:il|elle|ils|elles|on) (?:m attend|m attendent) (?:en bas|dehors|devant|a la sortie)\b",
        r"\b(?:essaie|essaye|essaient|essayent) d (?:entrer|rentrer|ouvrir la porte|defoncer)\b",
        r"\b(?:rentre|entre|rentrent|entrent) par la fenetre\b|\btire sur la poignee\b",
        r"\b(?:il|ils|elle) (?:arrive|arrivent)\s*$|\bj ai peur il (?:arrive|revient|est la)\b",
        r"\b(?:je me cache|je suis cachee|je suis cache|on se cache|cachee dans|cache dans le|cachee sous)\b",
        r"\b(?:y a|ya|il y a) (?:quelqu un|qqn|un inconnu|un homme|un gars|des gars) (?:dans|chez) (?:ma|la|notre|moi|nous)\b",
        r"\b(?:me court apres|me courent apres|me cherche partout)\b",
        r"\b(?:il|ils|elle|mon \w+) (?:me (?:cherche|cherchent)\b(?! des| plus| pu| pas)|(?:est|sont) dans (?:le corridor|le couloir|l escalier|le stationnement|le hall|l entree))|\bj entends sa voix\b",
        r"\b(?:he is|they are|she is|my \w+ is) (?:in the hallway|in the corridor|on the stairs|in the parking lot|downstairs)\b|\bi (?:can )?hear (?:his|their|her) voice\b",
        r"\b(?:je me fais|je me suis fait|on me) (?:suivre|suivie|suivi)\b|\bsuivie? depuis\b",
        r"\b(?:photo|image|video) de (?:ma|mon|notre) (?:porte|maison|bloc|immeuble|char|auto)\b",
        r"\b(?:s en vient|s en viennent|s en vont venir) (?:ici|chez|me chercher|pour moi|icitte)\b|\b(?:il|ils|elle) s en (?:vient|viennent)\s*$",
        r"\b(?:est|sont) encore la\s*$",
    ],
    "weapon": [
        r"\b(?:gun|guns|knife|knives|weapon|weapons|pistol|firearm|blade|machete|rifle|shotgun|glock|strapped)\b",
        r"\b(?:arme|armes|fusil|pistolet|couteau|couteaux|flingue|revolver|machette|carabine)\b",
    ],
    "confined": [
        # "il dit personne sort de la maison ce soir... on a peur": held in, with a sign of now or fear
        r"\b(?:personne|on) (?:ne )?(?:sort|peut sortir|peut pas sortir|a pas le droit de sortir) (?:de la maison|d ici|de la ferme|du logement)\b(?=.*\b(?:ce soir|a soir|maintenant|peur|aidez|aide)\b)",
        r"\b(?:nobody|no one) (?:leaves|can leave|is allowed to leave|gets out of) (?:the house|here|this house|the farm)\b(?=.*\b(?:tonight|now|scared|afraid|help)\b)",
        # "just got shoved into the boss truck", "poussée de force dans un char"
        r"\b(?:shoved|pushed|forced|dragged|thrown|pulled) into (?:a|the|his|their) (?:\w+ )?(?:truck|car|van|suv|trunk)\b",
        r"\b(?:poussee?|forcee?|trainee?|embarquee?|tiree?) (?:de force )?dans (?:un|une|le|la|son|leur) (?:\w+ )?(?:camion|char|auto|voiture|van|coffre)\b",
        # in a vehicle that will not stop, taken somewhere unknown
        r"\b(?:will not|would not|does not want to|refuses to|not going to) (?:stop|pull over|let me out|slow down)\b|\b(?:taking|driving|moving) (?:me|us) (?:somewhere|to another city)\b",
        r"\b(?:do not|dont|i do not) know where (?:they are|he is|she is|we are) (?:taking|driving|going)\b|\bidk where (?:they are|he is) (?:taking|driving)\b",
        r"\b(?:veut|veulent) (?:pas|plus|pu) (?:arreter|me laisser (?:descendre|debarquer|sortir)|me dire ou)\b|\bsais pas ou (?:ils|il|on) (?:m amene|m amenent|s en va|me conduit|va)\b",
        r"\b(?:being|getting) (?:pulled|pushed|dragged|forced|thrown|shoved) (?:\w+ )?into (?:a|the|his|their) (?:\w+ )?(?:van|car|truck|trunk)\b",
        r"\b(?:m a|m ont) (?:barree?|enfermee?|embarree?) (?:dehors|dans)\b|\b(?:pousse|poussent) dans (?:son|sa|un|une|le|la|leur) (?:auto|char|van|voiture|camion)\b",
        r"\b(?:vient de se faire|se fait|se faire|s est fait|s est faite|se sont fait) (?:pousser|embarquer|trainer) dans (?:un|une|le|la) (?:char|van|auto|voiture|camion)\b|\b(?:veut|veulent) (?:m|me) embarquer\b",
        r"\b(?:qui|gars|homme|il|ils) (?:la|le|les|me) (?:retient|retiennent)\b|\b(?:la|le|les|me) (?:retient|retiennent) (?:dans|de force|prisonniere?|enfermee?)\b|\bl empeche(?:nt)? de (?:sortir|partir)\b|\b(?:veut|veulent) pas (?:debarrer|deverrouiller|ouvrir) (?:les|la) portes?\b",
        r"\b(?:will not|would not|refuses to) (?:let|allow) (?:her|him|them) (?:go|leave)\b(?=.*\b(?:help|scared|crying|whispered|now|still)\b)",
        r"\b(?:locked|lock|locking|locks|trapped|trap|chained|tied|shut) (?:me |us )?(?:up |in|inside|in here|in a room|in the room|in the basement)\b",
        r"\b(?:i am|we are|im) (?:locked|trapped|being held|held|tied up|chained)\b",
        r"\b(?:keeping|keep|holding|hold) (?:me|us) (?:here|prisoner|hostage|captive|locked)\b",
        r"\b(?:will not|would not|do not|does not|not|never) let (?:me|us) (?:leave|go|out|escape|get out|go home)\b",
        r"\b(?:can not|could not|unable to|not able to) (?:leave|get out|escape|go out|go home) (?:of )?(?:the|this|his|their) (?:room|house|apartment|apt|place|building|car|motel|hotel)\b",
        r"\b(?:can not|could not) (?:get out|escape)\b",
        r"\b(?:kidnapped|kidnap|abducted|taken against my will|in the trunk)\b",
        r"\bnot allowed to (?:leave|go out|go home|get out)\b",
        r"\block(?:ed)? (?:all )?the doors?\b|\btied me up\b|\bcornered\b|\btied (?:up )?my (?:hands|wrists|feet|legs|arms)\b|\bm (?:ont|a) attache (?:les|mes) (?:mains|poignets|pieds)\b",
        r"\b(?:lock|locked|locks|locking) (?:the |all the |our )?(?:gate|gates|fence)\b|\b(?:nobody|no one|noone) (?:can |is allowed to |will |may )?(?:leave|go out|get out)\b",
        r"\b(?:i )?(?:hid|hide|hiding) (?:a|one|my|this|the) (?:phone|cell)\b|\b(?:on a |j ai )?cache (?:un|mon|le|ce) (?:telephone|cell|cellulaire)\b",
        r"\b(?:barre|barrent|ont barre|a barre|verrouille|ont verrouille) (?:la|les) (?:barriere|barrieres|portes?|clotures?)\b|\bpersonne (?:peut|a le droit de|doit) (?:sortir|partir)\b",
        r"\b(?:took|grabbed|pushed|dragged|dragging|pulling|pushing|forcing|forced|shoved|threw|put|taking) (?:me|her|him|a girl|a kid|someone|my \w+) (?:into|in) (?:a|the|his|their|a white) (?:car|van|truck|trunk)\b",
        r"\b(?:do not|dont) know where (?:i am|we are|they are taking me|we are going)\b",
        r"\b(?:will not|would not|refuses to|refused to) unlock (?:the|my|his|their) (?:doors?|car|truck|room)\b",
        r"\b(?:faire monter|fait monter|font monter|faire embarquer) dans (?:un|une|le|la|leur|son) (?:autobus|bus|char|van|auto|voiture|camion|avion|truck)\b",
        r"\b(?:veux|veut) pas (?:partir|aller|monter) avec (?:eux|lui|elle)\b",
        r"\b(?:i am |im )?(?:whispering|typing quietly|texting quietly)\b|\bje (?:chuchote|parle tout bas|texte en cachette|t ecris en cachette)\b",
        r"\b(?:il|elle|ils|elles) (?:est|sont) (?:dans|a) (?:l autre piece|la piece d a cote|la chambre d a cote|cote)\b|\b(?:he|she|they) (?:is|are) in the (?:next|other) room\b",
        r"\b(?:i was|i have been|i got|i think i was|they) drugged\b|\b(?:going to|about to|want to|wants to|planning to|talking about|talk about|trying to) (?:sell|selling) me\b|\b(?:do not|dont) recogni[sz]e\b",
        r"\b(?:droguee|droguees|m ont drogue|m a drogue|on m a drogue|(?:va|vont|veut|veulent|parlent de|parle de) me vendre)\b",
        r"\b(?:refuse|refusent|refusait|veulent pas|veut pas) de (?:la|le|me|nous|les) laisser (?:sortir|partir|descendre|s en aller)\b|\b(?:la|le|les) laissent? pas (?:sortir|partir|descendre)\b",
        r"\b(?:force|forcent|forcer|ont force|a force) (?:\w+ ){0,3}(?:a )?(?:monter|embarquer|entrer) dans\b|\b(?:forcing|forced|force|making) (?:\w+ ){0,2}(?:into|to get in) (?:a|the|their|his) (?:car|van|truck)\b",
        r"\b(?:enferme|enfermee|enfermes|enfermees|enfermer|sequestre|sequestree|sequestres|sequestrees|captive|otage)\b",
        r"\b(?:je suis|on est|nous sommes) (?:coince|coincee|coinces|coincees|piege|piegee|pieges|piegees|attache|attachee|prisonnier|prisonniere)\b",
        r"\b(?:me|nous) (?:laisse|laissent|laissera|laisseront) (?:pas|plus|jamais) (?:sortir|partir|m en aller|nous en aller|quitter|rentrer)\b",
        r"\b(?:veut|veulent|voulait|voulaient) (?:pas|plus) (?:me|nous) laisser (?:sortir|partir|quitter|rentrer)\b",
        r"\b(?:peux|peut|pouvons|pourrais|arrive) (?:pas|plus) (?:a )?(?:sortir|m enfuir|fuir|m echapper|m en aller)\b",
        r"\b(?:kidnappe|kidnappee|enleve|enlevee) (?:par|hier|ce matin|ce soir)\b",
        r"\b(?:on m a|ils m ont|il m a|elle m a|j ai ete|je me suis fait|je me suis faite|vient de se faire|vient d etre) (?:kidnappe|kidnappee|enleve|enlevee|enlever|kidnapper|embarque|embarquee)\b",
        r"\b(?:barree|barre|verrouillee) (?:dans|de l exterieur)\b|\bje suis barree\b",
        r"\b(?:m empeche|m empechent|nous empeche) de (?:sortir|partir|m en aller)\b",
        r"\b(?:je|tu|on) (?:sors|sortiras|sortira|pars|partiras|partira) (?:pas|plus|pu|jamais) (?:d ici|dici|de la|de cette)\b|\b(?:personne|tu|je) (?:sort|sors) (?:pas|plus|pu) (?:d ici |dici )?tant que\b",
        r"\b(?:i am|you are|we are|nobody is|no one is) not (?:leaving|going anywhere|getting out)(?: (?:here|this room|this place))? (?:until|till|til)\b",
        r"\b(?:me retient|me retiennent|me garde|me gardent) (?:de force|enfermee|enferme|prisonniere|prisonnier|dans une chambre|ici)\b",
        r"\b(?:pris au piege|prise au piege)\b|\b(?:m ont|m a) attachee?\b",
        r"\b(?:dans un char|dans une van|dans un camion|dans une auto|dans une voiture) de force\b|\bde force dans (?:un|une)\b|\bembarquee? de force\b",
        r"\b(?:m amene|m amenent|m emmene|m emmenent) je sais pas ou\b|\bje sais pas ou je suis\b",
    ],
    "violence": [
        # a threat with a condition ("if i leave he'll kill me"), fire, a bat
        r"\bif (?:i|we) (?:leave|go|run|get out|do not|dont|tell|talk)\b.*\b(?:he|she|they) (?:ll|will|would|is going to|are going to) (?:kill|hurt|burn|beat|find)\b",
        # "he go break my legs if i not open the door" (second-language English), "va me casser les jambes"
        r"\b(?:he|she|they|he will|he is|they are|boss|supervisor|man) (?:go|gon|gonna|going to|will|wan|want to|wants to|say he will|said he will)? ?(?:break|broke|cut) (?:my|our|your) (?:legs?|arms?|neck|face|bones?|fingers|jaw|head)\b",
        r"\b(?:va|vont|veut|veulent) me (?:casser|peter|briser) (?:les jambes|la gueule|la face|les bras|les doigts|la tete)\b",
        # a threat to sell someone, heard now
        r"\b(?:ll|will|going to|gonna|is going to|wants to|threatening to) sell (?:her|him|me|us|them)\b|\b(?:va|vont|veut) (?:la|le|me|nous) vendre\b",
        r"\bsi (?:je|on|tu) (?:pars|part|sors|sort|descends|descend|parle|parles|dis)\b.*\b(?:il|ils|elle) (?:me|nous|m) ?(?:tue|tuent|tuer|tuera|tueront|va tuer|vont tuer|battre|frappe)\b",
        r"\b(?:burn|burning) (?:me|us|the house|the place|everything)\b|\b(?:gas|gasoline) (?:everywhere|all over)\b|\b(?:mettre|met|mis) le feu\b|\bessence partout\b|\b(?:va|vont|allons) (?:toute?s? )?bruler\b",
        r"\b(?:baseball bat|the bat|a bat|baton de baseball|un baton)\b(?=.*\b(?:now|again|rn|got|has|crie|casse|la|maintenant)\b)|\bil va m avoir\b",
        r"\b(?:frappe|frappent|bat|battent|etrangle|tabasse) (?:ma|mon|mes) \w+ (?:en ce moment|la|maintenant|live)\b|\b(?:vient|viennent) de (?:m etrangler|m etouffer|se faire (?:frapper|battre|pousser|etrangler|poignarder))\b",
        r"\b(?:crying and screaming|screaming and crying)\b|\bgot away for a (?:sec|second|minute|moment)\b",
        r"\b(?:saigne|saignait|saignent) (?:de la tete|beaucoup|partout)\b|\bcoupures (?:\w+ ){0,3}qui saignent\b|\b(?:she|he) is (?:screaming|crying for help)\b|\b(?:une femme|une fille|quelqu un|un enfant) qui crie\b",
        r"\b(?:grabbed|pulled|dragged) (?:my|a|the) \w+ (?:\w+ ){0,3}(?:and|by the)\b(?=.*\b(?:screaming|crying|now|just)\b)",
        _SUBJ_EN
        + r" (?:is |are |will |would |wants to |want to |keeps |said (?:he|she|they) would |says (?:he|she|they) will |threatened to |threatening to |trying to |going to |about to )+(?:kill|hurt|beat|shoot|stab|murder|rape|choke|strangle|hit|attack) (?:me|us|my)\b",
        r"\b(?:going to|about to|gonna|will|threatening to|threatened to|trying to) (?:kill|shoot|stab|murder|rape|choke|strangle) (?:me|us)\b",
        r"\b(?<!nobody )(?<!no one )(?<!noone )(?:is|are|keeps|keep|started|starting|start) (?:hitting|beating|choking|strangling|hurting|raping|attacking|kicking|punching|stabbing) (?:me|us)\b",
        r"\b(?:hit|beat|choked|strangled|stabbed|shot|raped|attacked|punched|hurt) (?:me|us) (?:just now|right now|again|tonight|today)\b",
        r"\bjust (?:hit|beat|choked|strangled|stabbed|shot|raped|attacked|punched|hurt) (?:me|us)\b",
        r"\b(?:bleeding|can not breathe|overdosing|overdosed|passed out|unconscious)\b",
        r"\b(?:i am|im|we are|she is|he is|they are|my \w+ is) being (?:beaten|hit|attacked|hurt|choked|strangled|raped|followed|chased|stabbed|shot|kidnapped|taken)\b",
        r"\b(?:grabbed|attacked|jumped) me\b",
        r"\b(?:put|slipped|dropped) (?:something|smth|stuff|drugs|a pill|pills) in(?:to)? my drink\b|\b(?:spiked my drink|my drink was spiked|drink got spiked)\b|\bcan not feel my (?:legs|body|arms|face)\b",
        r"\b(?:is|are) (?:carrying|dragging|shoving|pushing|hitting|beating|choking|strangling|hurting|attacking|punching|kicking|raping|touching) (?:her|him|them|a girl|a kid|a child|the girl|my \w+)\b",
        r"\b(?:barely awake|barely conscious|half conscious|can not stand up|cant stand up)\b",
        r"\b(?:it is|its) happening (?:right )?now\b",
        _SUBJ_FR
        + r" (?:va|vont|veut|veulent|menace de|menacent de|a menace de|ont menace de|essaie de|essaye de|essaient de|allait|allaient) (?:me|nous|m) ?(?:tuer|frapper|battre|blesser|violer|poignarder|descendre|faire du mal|faire mal|etrangler|buter)\b",
        r"\b(?:me|nous) (?:frappe|frappent|bat|battent|etrangle|etranglent|viole|violent|tabasse|tabassent|poignarde|etouffe)\b(?! des fois| parfois| souvent| quand| de temps)",
        r"\b(?:je saigne|saigne beaucoup|overdose|peux plus respirer|peux pas respirer|arrive pas a respirer|inconscient|inconsciente|blesse gravement|blessee gravement|du sang partout)\b",
        r"\b(?:m etrangle|m etranglent|m etouffe|me tient par|veut pas me lacher|m a poussee?|m a battue?|m ont battue?)\b",
        r"\b(?:menace|menacent|a menace|ont menace) de (?:le |la |les |me |nous |m |l )?(?:lacher|tuer|blesser|bruler|tirer|frapper|battre|violer|jeter|poignarder|faire mal)\b",
        r"\b(?:quelque chose|de quoi|une pilule|de la drogue) dans mon (?:verre|drink|breuvage)\b|\bsens (?:pu|plus|pas) mes jambes\b",
        r"\b(?:tient|tiennent) (?:meme )?pas debout\b|\b(?:a moitie|a demi) (?:inconsciente?|endormie?)\b",
        r"\b(?:ca|sa) se passe (?:la|maintenant|en ce moment|live)\b",
        r"\b(?:vas|va|allais|vais|allait) y gouter\b",
        r"\b(?:la|le|les) (?:montent|amenent|emmenent|trainent|transportent) (?:en haut|dans une chambre|dans un char|dehors|de force)\b",
        r"\b(?:m a|m ont) (?:etranglee?|etouffee?|poignardee?|tabassee?|violee?|frappee?) (?:a soir|ce soir|tantot|tout a l heure|encore|pis)\b|\b(?:m a|m ont) (?:etranglee?|poignardee?)\b",
        r"\b(?:choked|strangled|stabbed) me\b",
        # someone heard being hurt now ("i can hear her screaming next door")
        r"\b(?:i can hear|i hear|hearing|we can hear|we hear) (?:her|him|them|someone|somebody|a (?:girl|woman|kid|child|man|baby)) (?:screaming|scream|crying for help|yelling for help|begging)\b",
        r"\bj (?:l |les )?entends (?:une fille |une femme |un enfant |quelqu un |qqn )?(?:crier|hurler|pleurer a l aide|supplier)\b|\bon (?:l |les )?entend (?:crier|hurler)\b",
        # someone else hurt badly, now ("he stabbed my roommate", "blood everywhere")
        r"\b(?:stabbed|shot|strangled|strangling|choking|stabbing|shooting) (?:my|her|him|them|someone|somebody|a|the|our)\b",
        r"\b(?:blood everywhere|bleeding (?:a lot|badly|out|everywhere)|(?:is|are) not breathing|(?:is|are) unconscious|won t wake up)\b",
        r"\b(?:a poignarde|a tire sur|etrangle|ont poignarde|ont tire sur) (?:ma|mon|mes|la|le|quelqu un|une|un)\b|\b(?:respire|respirent) (?:pas|plus|pu)\b",
        # "he hit my coworker and says he'll do the same to us"
        r"\b(?:do|does|doing) the same (?:thing )?to (?:me|us)\b(?! (?:years|months|weeks) ago)",
        r"\b(?:fait|fera|va faire|vont faire|font|feront|faire) (?:pareil|la meme chose|de meme) (?:a|avec) (?:nous|moi)\b",
        r"\b(?:vient de|viennent de) (?:me )?(?:frapper|battre|violer|poignarder|tabasser|blesser|defoncer|casser)\b",
    ],
    "not_safe": [
        # followed on foot, a door pulled open, someone guarding the door
        r"\b(?:walking|been walking|following) (?:right )?behind me\b|\bspeeds up when i speed up\b",
        r"\btrying to (?:pull|yank|force|open) (?:my|the|our) (?:car )?door\b",
        r"\b(?:un gars|quelqu un|un homme|des gars) qui (?:garde|bloque|surveille) la porte\b|\bil (?:est|attend) (?:dans la rue |dans le stationnement )?en bas\b",
        # "it's happening right now"
        r"\b(?:it is|it s|its) happening (?:right now|now|as we speak)\b|\b(?:ca|c) (?:se passe|est en train de se passer) (?:en ce moment|maintenant|la|live)\b",
        r"\b(?:not|never|no longer|do not feel|does not feel) (?:feel )?safe\b",
        r"\b(?:unsafe|in danger|danger right now|fear for my life|scared for my life|afraid for my life|my life is in danger|help me now|need help now|need help right now|help right now|send help|save me|sos)\b",
        r"(?:^|please |pls |plz )send (?:someone|somebody|the police|the cops)\b",
        r"\b(?:please )?hurry\b|\bhelp help\b|\burgent help\b|\bhelp urgently\b|^(?:someone|somebody) help\b|\bneed (?:the )?police (?:right )?now\b",
        r"\b(?:this is an|it is an|its an|having an|i have an|there is an) emergency\b|^emergency\b|\bemergency$",
        # imperatives only: "will they call the police?" is a question about the hotline
        r"(?:^|please |someone |somebody |pls )(?:call|get) (?:the police|the cops|911|9 1 1)\b",
        r"\b(?:he|she|they) (?:is|are) going to (?:find|get) me\b",
        r"\b(?:pas|plus) en securite\b",
        r"\ben danger\b(?! de| d )",
        r"\b(?:aidez moi|aide moi|help) (?:svp |stp |s il vous plait |s il te plait )?vite\b|\burgent aidez\b|\bdanger immediat\b|\ben danger de mort\b|^a laide\b|\ba laide\s*$",
        r"\b(?:au secours|aidez moi vite|aide moi vite|sos|envoyez quelqu un|peur pour ma vie|crains pour ma vie|ma vie est en danger)\b",
        # "à l'aide" the cry, not "droit à l'aide juridique"
        r"\ba l aide(?:\s*$| svp| s il| vite| aidez| aide)",
        r"\b(?:c est une|j ai une|c est une vraie) urgence\b|^urgence\b|(?<! d )\burgence$",
        r"(?:^|svp |quelqu un |qqn )(?:appelez|appelle|appeler) (?:la police|le 911|les flics)\b",
    ],
    SELF_HARM: [
        r"\bcutting (?:rn|right now|now|again)\b|\bcan not stop cutting\b|\bje me coupe (?:la|maintenant|en ce moment)\b",
        # the means in hand, or taken
        r"\b(?:pills|razor|blade|knife|lame|pilules|rope) (?:\w+ )?in my hand\b|\b(?:pilules|lame|couteau) dans (?:ma|les) mains?\b|\bcut deep\b",
        r"\b(?:took|swallowed|taken) (?:like |about |maybe )?(?:\d+|a whole bunch of|a lot of|the whole bottle|all) (?:of )?(?:my |the |mom s |moms |my moms )?(?:\w+ )?pills\b|\b(?:taking|take) every pill\b",
        r"\b(?:avale|pris) (?:toute|toutes) (?:la|ma|mes|les) (?:bouteille|pilules)\b|\b(?:ramasse|garde|cache) (?:toutes )?(?:les|mes) pilules\b|\bpense (?:a )?(?:les|toutes les) prendre\b",
        r"\b(?:veux|veut) (?:pu|pus|plus) vivre\b|\b(?:better off|mieux) (?:if i|si je) (?:was|were|just)? ?(?:dead|disappeared|gone|disparaissais|mourais)\b|\bdisappear(?:ed)? for good\b|\bdisparaissais pour de bon\b",
        r"\b(?:thinking|think|thought) (?:of|about) (?:taking|swallowing) (?:them all|all of them|all|every)\b",
        r"\bje me suis (?:encore |re)?(?:scarifiee?|coupee?|recoupee?)\b|\bje me (?:scarifie|recoupe)\b",
        # someone else's: 9-8-8 also helps the people who worry about them
        r"\b(?:going to|wants to|want to|gonna|about to|threatening to|says she will|says he will|trying to|talking about|talks about) (?:kill|killing|hurt|hurting|cut|cutting) (?:herself|himself|themselves)\b",
        r"\b(?:va|veut|menace de|parle de|essaie de|essaye de|pense a) se (?:tuer|suicider|faire du mal|couper|pendre|jeter)\b",
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|end) (?:myself|my self|my life)\b",
        r"\b(?:suicide|suicidal|kms|unalive|unalived|sewerslide|sewer slide|want to die|wanna die|wish i was dead|wish i were dead|better off dead|do not want to (?:live|be alive|be here)|no reason to live|(?:take|taking|end|ending) my (?:own )?life|end it all)\b",
        r"\b(?:me tuer|me suicider|suicide|suicidaire|en finir|mettre fin a (?:ma vie|mes jours)|envie de mourir|me faire du mal|me blesser|me couper|me scarifier|me foutre en l air|me pendre)\b",
        r"\b(?:je|j) (?:veux|vais|voudrais|pense a|pense|ai envie de) (?:mourir|disparaitre pour toujours)\b",
        r"\b(?:veux|voulais|ai envie de) plus vivre\b",
        r"\b(?:ending it|end it|end everything|want it (?:all )?to be over|stop existing|not be (?:on this earth|here|alive) anymore|on this earth anymore)\b",
        r"\b(?:cut|cutting|burn|burning|scratch|scratching|hitting|hurting) (?:myself|again|my arms?|my wrists?|my legs?)\b|\bstarted cutting\b",
        r"\b(?:self harm|selfharm|self harming|self harmed)\b|\b(?:i|relapsed on|again) sh\b|\bi sh again\b",
        r"\b(?:take|took|taking|swallow|swallowed) (?:all|a bunch of|too many|all of) (?:my |the )?pills\b|\bpills saved\b|\bhow many pills\b",
        r"\b(?:goodbye notes?|suicide notes?|goodbye letters?|lettres? d adieu)\b|\bbetter off without me\b|\bno one would miss me\b|\bnobody would miss me\b",
        r"\b(?:no point (?:in )?living|point of being alive|reason to live|not worth living|worth it anymore|tired of living|done with life|tired of being alive)\b",
        r"\b(?:think|thinking|thoughts) about (?:dying|death|ending it|jumping|hanging)\b|\brather be dead\b|\bnot wake up\b",
        r"\b(?:going to|want to|about to) jump\b|\bjump(?:ing)? (?:off|from) (?:a|the|my)\b|\bhang(?:ing)? myself\b|\bunaliving\b|\bonly way out is\b",
        r"\b(?:veux|veut|voudrais|gout de|envie de|vouloir|pense a|juste|jveux) mourir\b|\bmourir serait\b",
        r"\bidees (?:noires|suicidaires)\b|\b(?:se suicider|se tuer|s enlever la vie)\b",
        r"\b(?:je me|jme|j me) (?:coupe|scarifie|mutile|brule|fais du mal|fais mal|fais saigner|suis coupee|suis coupe|suis fait mal)\b",
        r"\b(?:raison de vivre|tannee de vivre|tanne de vivre|ecoeuree de la vie|ecoeure de la vie|fatiguee de vivre|en peux plus de vivre|mieux sans moi|si j etais morte?|lettre d adieu|derniere nuit|dis adieu a tout)\b",
        r"\bsauter (?:du|d un|en bas|de la|de mon)\b|\b(?:avale|pris|prendre) (?:toutes mes|toutes les|des|mes) pilules\b",
        r"\b(?:jamais|plus|pu) me reveiller\b|\b(?:pu|plus) exister\b|\bveux (?:pu|plus) etre la\b|\bvaut pas la peine\b|\bquoi bon continuer\b",
        r"\b(?:lames cachees|me faire mal tous|ecoeuree de la vie|want it all to stop)\b|\bpenser? a la mort\b|\bautre sortie que la mort\b|\bpour de bon\b.*\b(?:partir|arrete|arreter)\b|\b(?:partir|arrete|arreter)\b.*\bpour de bon\b|\bsi je meurs\b|\bmeme pas de vivre\b|\btout arreter ce soir\b",
    ],
}

# Danger told by someone else: a parent, sibling, friend or teacher about a child or another person
# who is gone, or with an exploiter, right now. No danger word is needed ("my 12 year old left with
# a man from her game and her phone is off"). Each pattern is "who" AND "what is happening now",
# written as lookaheads so that the two may come in either order.
_OTHER_EN = (
    r"\b(?:my|our|her|his) (?:\w+ )?(?:daughter|son|kid|child|girl|boy|teen|teenager|stepdaughter|stepson|niece|nephew|"
    r"granddaughter|grandson|sister|brother|sis|bro|cousin|friend|bff|bestie|student|roommate|coworker|co worker|girlfriend)s?\b"
    r"|\b(?:my|our) \d{1,2} ?(?:yo|y o|year old|yr old|years old)\b|\b(?:a|one of my) (?:student|friend)s?\b"
    r"|\b(?:a|one) (?:student|player|athlete|camper|client|resident|patient|kid) of (?:mine|ours)\b|\ba (?:grade \d+ |\w+ )?student\b"
    r"|\b(?:my|our|one of my|one of our) (?:\w+ )?(?:player|athlete|camper|client|resident|patient|foster (?:kid|child|daughter|son))s?\b"
)
_OTHER_FR = (
    r"\b(?:ma|mon|notre|sa|son) (?:\w+ )?(?:fille|fils|gars|garcon|enfant|ado|adolescente?|petite|petit|niece|neveu|soeur|frere|"
    r"cousine?|amie?|meilleure? amie?|chum|blonde|eleve|etudiante?|coloc|colocataire|collegue|belle fille|beau fils|"
    r"petite fille|petit fils)\b|\bmes (?:enfants|filles|gars)\b|\b(?:ma|mon) \w+ de \d{1,2} ans\b|\bune? (?:de mes )?eleves?\b"
)
_GONE_EN = (
    # "missing" alone, not "missing class" or "missing work"
    r"\b(?:is|has gone|went|has been|been|now) missing\b(?! (?:class|classes|school|work|practice|curfew|shifts?|days|meals|homework|periods|appointments))"
    r"|\bdisappeared\b|\bvanished\b"
    r"|\b(?:did not|has not|have not|never|not|still not) (?:come|came|been|gotten|got|made it) (?:home|back)\b|\bis (?:still )?not (?:home|back)\b"
    r"|\bran away (?:tonight|today|this morning|this afternoon|last night|an hour ago|earlier)\b"
    r"|\b(?:do not|does not|no one|nobody|can not) (?:know|knows|find) where (?:she|he|they) (?:is|are|went)\b"
    r"|\b(?:was|were) supposed to be (?:home|back)\b|\b(?:is not|not) in (?:her|his|their) (?:room|bed)\b"
    r"|\b(?:her|his|their) (?:bed|room) (?:is|was) empty\b"
    r"|\b(?:can not|nobody can|no one can|noone can) (?:find|reach|get a hold of|get ahold of|get in touch with|contact) (?:her|him|them)\b"
    r"|\b(?:has|have|is|are) (?:been )?gone (?:since|for (?:hours|two days|\d+ (?:hours|days))|all night)\b"
)
_UNREACHABLE_EN = (
    r"\b(?:phone|cell|snap|location)(?: is| was| has been| went| goes| keeps going)? (?:off|dead|turned off|switched off|disabled|straight to voicemail|to voicemail)\b"
    r"|\b(?:turned|switched|shut) off (?:her|his|their) (?:phone|location|cell)\b"
    r"|\b(?:is not|not|stopped|will not|has not been|is no longer|are not|no longer) (?:answering|responding|replying|picking up|reading)\b"
    r"|\bno answer\b|\bleft (?:me )?on read\b|\bgoes straight to voicemail\b"
)
_WITH_SOMEONE_EN = (
    r"\b(?:left|went|drove off|drove away|took off|ran off|got picked up|is|are|went off|disappeared|snuck out|sneaked out|got in|got into|ran away)"
    r" (?:\w+ ){0,4}with (?:a|an|some|this|that|the|her|his|two|2|older|grown)?\s?(?:\w+ ){0,3}(?:man|guy|men|guys|adult|stranger|dude|boyfriend|bf)\b"
    r"|\b(?:got|get|getting|went) (?:into|in) (?:a|the|his|some|their|an) (?:\w+ )?(?:car|van|truck|uber)\b"
    r"|\b(?:someone|a man|a guy|an adult|a stranger|people) (?:she|he|they) (?:met|meets|was talking to|was chatting with) online\b"
    r"|\b(?:picked (?:her|him|them) up|took (?:her|him|them) (?:away|with)|(?:taking|driving) (?:her|him|them) (?:to|somewhere))\b"
    r"|\b(?:at|in) a (?:hotel|motel) (?:room )?with\b|\b(?:meet|meeting|met up with) (?:a|an|some|this|that) (?:\w+ ){0,2}(?:man|guy|adult|stranger)\b"
)
_NOW_EN = r"\b(?:right now|rn|tonight|this morning|this afternoon|this evening|today|just|an hour ago|hours ago|\d+ (?:hours?|hrs?|minutes?|mins?) ago|since (?:this morning|last night|yesterday|noon)|it is \d+ ?(?:am|pm)|its \d+ ?(?:am|pm)|it s \d+ ?(?:am|pm)|at \d+ ?(?:am|pm)|\d+ ?am)\b"
_WAITING_EN = (
    r"\b(?:a|an|some|this|that|the|older|grown) (?:\w+ ){0,2}(?:man|guy|adult|stranger|men|guys|dude)\b(?: \w+){0,6}"
    r" (?:is|are) (?:outside|waiting|parked|sitting|at (?:our|the|her|his|their) (?:door|house|home|school))"
    r"|\bwaiting (?:for (?:her|him|them)|outside (?:for|our|her|his|the))\b"
    r"|\b(?:too )?(?:scared|afraid) to (?:leave|go out|come out|go home|walk out)\b"
    r"|\b(?:man|guy|adult|stranger|boyfriend|bf|pimp) (?:\w+ ){0,8}waiting (?:\w+ ){0,5}to (?:take|drive|pick up|bring) (?:her|him|them)\b"
    r"|\b(?:he|she|they) (?:is|are) (?:still )?out there\b"
)
_HELD_EN = (
    r"\b(?:she|he|they) (?:can not|could not|is not allowed to|are not allowed to) (?:leave|get out|go home|escape)\b"
    r"|\bbeing (?:trafficked|sold|pimped) (?:right now|tonight|rn|as we speak)\b"
    r"|\b(?:will not|would not|do not|does not|not) let (?:her|him|them) (?:leave|go|out|go home)\b"
    r"|\b(?:will not|would not|refuses to|refused to|does not want to) (?:bring|drive|let) (?:her|him|them) (?:back|home)\b"
    r"|\b(?:is|are) being held\b|\b(?:she|he|they) (?:is|are) (?:locked|trapped|being held|tied up)\b|\b(?:locked|trapped|holding|keeping) (?:her|him|them) (?:in|inside|up|there|prisoner)\b"
    r"|\b(?:texted|messaged|snapped|called|dmed|sent) (?:me|us) (?:\w+ ){0,3}(?:help|sos|come get me|scared|can not leave)\b"
)
_GONE_FR = (
    r"\b(?:a|est|sont|ont) disparue?s?\b|\bdisparue?s? depuis\b|\bintrouvable\b|\ba fugue (?:a soir|ce soir|cette nuit|aujourd hui|ce matin|tantot|hier soir)\b"
    r"|\b(?:est|sont|n est|ne sont) (?:toujours |encore |jamais )?pas (?:rentree?s?|revenue?s?|de retour|a la maison|arrivee?s?)\b"
    r"|\b(?:jamais|toujours pas|pas encore|pu|plus) (?:rentree?s?|revenue?s?)\b"
    r"|\b(?:sait|sais|savons|savent) (?:pas|plus|pu) ou (?:elle|il|ils|elles) (?:est|sont)\b|\b(?:trouve|trouvons|trouvent|rejoins|rejoint|rejoindre) (?:pas|plus|pu) (?:ma|mon|la|le)\b"
    r"|\b(?:arrive|arrivons) (?:pas|plus|pu) a (?:la|le) (?:joindre|rejoindre|trouver)\b|\bpersonne (?:ne )?(?:peut|arrive a) (?:la|le) (?:joindre|rejoindre|trouver)\b"
    r"|\b(?:est|sont) partie?s? depuis (?:hier|hier soir|la nuit passee|cette nuit|ce matin|\d+ (?:heures|jours))\b|\b(?:la|le) trouve (?:pas|plus|pu)\b"
    r"|\b(?:n est|est) (?:pas|plus|pu) dans (?:sa|son) (?:chambre|lit)\b|\b(?:son|sa) (?:lit|chambre) (?:est|etait) vide\b"
)
_UNREACHABLE_FR = (
    r"\b(?:repond|repondent|reponds|repondait) (?:pas|plus|pu|jamais|pantoute)\b|\bne (?:repond|repondent) (?:pas|plus)\b"
    r"|\b(?:cell|cellulaire|telephone|tel|portable|localisation|snap)(?: est| a ete)? (?:ferme|eteint|mort|desactivee?|coupee?|fermee)\b"
    r"|\b(?:a|ont) (?:ferme|eteint|desactive|coupe) (?:son|sa|leur) (?:cell|cellulaire|telephone|tel|portable|localisation)\b"
    r"|\btombe (?:direct |directement |tout de suite )?sur (?:la |sa )?(?:boite vocale|messagerie)\b|\bpas de reponse\b|(?<!presque )\b(?:pu|plus) de nouvelles\b"
)
_WITH_SOMEONE_FR = (
    r"\b(?:partie?s?|parti|embarquee?s?|montee?s?|allee?s?|sortie?s?|est|sont|disparue?s?|en char|en auto)"
    r" (?:\w+ ){0,4}avec (?:un|une|des|le|ce|cet|deux|2|son|sa)?\s?(?:\w+ ){0,3}(?:homme|hommes|gars|adulte|adultes|inconnu|inconnus|monsieur|vieux|type|bonhomme|chum)\b"
    r"|\b(?:dans|en) (?:un|une|le|la|son|sa|leur) (?:\w+ )?(?:char|auto|voiture|camion|van|truck|uber) (?:avec|d un)\b"
    r"|\b(?:embarquee?|montee?|monte|embarque) dans (?:un|une|le|la|son|sa|leur) (?:\w+ )?(?:char|auto|voiture|camion|van|truck|uber)\b"
    r"|\b(?:quelqu un|un homme|un gars|un adulte|un inconnu) (?:qu (?:elle|il) a|rencontre|connu|connue) (?:\w+ )?(?:en ligne|sur internet|sur snap|sur instagram|sur tiktok|dans un jeu)\b"
    r"|\b(?:partir|sortir|embarquer|monter|s en aller|disparaitre) (?:\w+ ){0,3}avec (?:un|une|des|le|ce|cet|deux)\s?(?:\w+ ){0,3}(?:homme|hommes|gars|adulte|adultes|inconnu|inconnus|monsieur|vieux|type)\b"
    r"|\b(?:l air|avait l air|semblait) (?:forcee?|effrayee?|droguee?|paniquee?)\b"
    r"|\b(?:l a|les a|l ont) (?:embarquee?|amenee?|emmenee?|ramassee?|pognee?)\b|\b(?:dans|a) un (?:hotel|motel) avec\b"
    r"|\b(?:rencontrer|voir|rejoindre) un (?:\w+ ){0,2}(?:homme|gars|adulte|inconnu)\b"
)
_NOW_FR = r"\b(?:maintenant|en ce moment|ce soir|a soir|cette nuit|ce matin|cet apres midi|aujourd hui|astheure|asteure|la|tantot|vient de|depuis (?:ce matin|hier|midi|une heure|deux heures|\d+ ?h)|(?:il )?y a (?:une|deux|trois|\d+) (?:heures?|h|minutes?|min)|ca fait (?:une|deux|trois|\d+) (?:heures?|h)|\d+ ?h(?:eures?)? du matin|encore)\b"
_WAITING_FR = (
    r"\b(?:un|des|le|ce|cet|deux) (?:\w+ ){0,2}(?:homme|hommes|gars|adulte|adultes|inconnu|inconnus|monsieur|bonhomme)\b(?: \w+){0,4}"
    r" (?:l attend|les attend|attend|attendent|est|sont) (?:devant|dehors|dans le stationnement|a la sortie|stationnee?s?|en bas)"
    r"|\b(?:l attend|l attendent|les attend|les attendent|l attendrait|l attendraient)\b|\b(?:il|ils) (?:est|sont) (?:encore |toujours )?(?:la dehors|dehors la)\b|\b(?:a|ont) (?:trop )?peur (?:de|pour) (?:sortir|partir|rentrer)\b"
)
_HELD_FR = (
    r"\b(?:elle|il|ils|elles) (?:peut|peuvent|pourra) (?:pas|plus|pu) (?:partir|sortir|s en aller|rentrer|s enfuir)\b"
    r"|\b(?:la|le|les) (?:laisse|laissent) (?:pas|plus|pu) (?:partir|sortir|s en aller|rentrer)\b"
    r"|\b(?:veut|veulent) (?:pas|plus|pu) (?:la|le|les) (?:ramener|laisser revenir|laisser rentrer|laisser partir|laisser sortir|laisser descendre|laisser s en aller)\b"
    r"|\b(?:vient|viennent) de m (?:envoyer|ecrire|texter) (?:\w+ ){0,3}(?:aide moi|a l aide|viens me chercher|au secours|sos)\b|\b(?:la|le|les) (?:ramene|ramenent) (?:pas|plus|pu)\b"
    r"|\b(?:elle|il) (?:est|sont) (?:enfermee?|sequestree?|barree?|coincee?|prise? au piege)\b|\b(?:l ont|l a|la|le) (?:enferme|enfermee|sequestree?)\b"
    r"|\b(?:m a|nous a|m ont) (?:juste )?(?:ecrit|texte|envoye|snappe|appele) (?:\w+ ){0,3}(?:aide moi|a l aide|viens me chercher|au secours|sos|peur)\b"
    r"|\bvient de m ecrire (?:\w+ ){0,3}(?:aide moi|a l aide|viens me chercher|au secours|sos)\b"
)


def _both(who: str, *what: str) -> str:
    """A pattern that holds when `who` and every part of `what` are found, in any order."""
    return "".join(f"(?=.*(?:{part}))" for part in (who,) + what)


PATTERNS["someone_else"] = [
    _both(_OTHER_EN, _GONE_EN),
    _both(_OTHER_EN, _WITH_SOMEONE_EN, _UNREACHABLE_EN),
    _both(_OTHER_EN, _WITH_SOMEONE_EN, _NOW_EN),
    _both(_OTHER_EN, _UNREACHABLE_EN, _NOW_EN, r"\b(?:help|left|scared|gone|out|since)\b"),
    _both(_OTHER_EN, _HELD_EN),
    _both(_OTHER_EN, _WAITING_EN, _NOW_EN),
    _both(_OTHER_FR, _GONE_FR),
    _both(_OTHER_FR, _WITH_SOMEONE_FR, _UNREACHABLE_FR),
    _both(_OTHER_FR, _WITH_SOMEONE_FR, _NOW_FR),
    _both(_OTHER_FR, _UNREACHABLE_FR, _NOW_FR, r"\b(?:aide|partie?|sortie?|peur|depuis|disparue?)\b"),
    _both(_OTHER_FR, _HELD_FR),
    _both(_OTHER_FR, _WAITING_FR, _NOW_FR),
]
# "She came home", "on l'a retrouvée": the person told about is back; the rest of the message is a need.
_OTHER_SAFE = re.compile(
    r"\b(?:she|he|they) (?:is|are|came|got|has come|has been) (?:home|back|safe)\b|\bfound (?:her|him|them)\b"
    r"|\b(?:she|he|they) (?:is|are) (?:at|with) (?:our|my) (?:place|house|home)\b|\b(?:elle|il) est (?:chez nous|avec nous|chez moi)\b"
    r"|\b(?:she|he|they) (?:is|are) (?:asleep|sleeping|upstairs|downstairs|in class|at school|at work|in (?:her|his|their) room)\b"
    r"|\b(?:elle|il) (?:dort|est en haut|est en classe|est a l ecole|est dans sa chambre|est a la job|est au travail)\b"
    r"|\b(?:elle|il|ils|elles) (?:est|sont) (?:rentree?s?|revenue?s?|en securite|de retour|a la maison)\b|\b(?:on|je|la police) (?:l a|les a) (?:retrouvee?s?)\b"
    # "went missing years ago and was found", "elle a été retrouvée"
    r"|\b(?:she|he|they|and) (?:was|were|has been|have been|got) found\b|\b(?:elle|il|ils|elles|et) (?:a|ont) ete retrouvee?s?\b"
)

# A threat from someone else ("il va me tuer") is violence, not self-harm: checked first.
_ORDER = ["violence", "intruder", "weapon", "confined", "someone_else", "not_safe", SELF_HARM]

# Removed before matching: the user says they are safe, or negates a danger word.
_SAFE_STATEMENTS = [
    r"\b(?:i am|we are|i feel|feeling|i am finally) safe(?: now| again| today)?\b",
    r"\b(?:not|no longer|never|not really) (?:in )?(?:any )?(?:immediate )?(?:danger|an emergency|emergency|urgent)\b",
    r"\bno (?:gun|guns|knife|knives|weapon|weapons)\b",
    r"\bno (?:immediate )?danger\b|\b(?:pas|plus|aucun) (?:de |d )?danger\b",
    r"\b(?:nothing|not) (?:urgent|an emergency)\b|\brien d urgent\b|\bpas (?:une )?urgence\b",
    r"\b(?:no one|nobody|noone) (?:s |is )?(?:in )?(?:any )?(?:immediate )?danger\b",
    r"\b(?:no one|nobody|noone) is (?:hurting|hitting|touching|threatening|following) (?:me|us)(?: today| now| right now)?\b",
    r"\b(?:she|he|they|my \w+) (?:is|are) (?:now |home |at home |home and |at home and )?safe\b",
    r"\b(?:elle|il|ils|elles|ma \w+|mon \w+|(?:ma|mon|notre) \w+ de \d+ ans) (?:est|sont) (?:maintenant |a la maison |a la maison et |chez nous )?en securite\b",
    r"\bpersonne (?:n )?(?:est|a l air) en danger\b",
    r"\b(?:i am|we are) safe\b",
    r"\bnot (?:going to|gonna) (?:kill|hurt) myself\b|\b(?:do not|does not|never) want to (?:kill|hurt|harm) (?:myself|my self)\b",
    r"\b(?:je )?(?:ne )?(?:veux|vais|voudrais) (?:pas|plus|pu|jamais) (?:me faire du mal|me faire mal|me tuer|mourir|me blesser|me suicider|en finir)\b",
    r"\b(?:je suis|on est|nous sommes|je me sens) (?:en securite|safe)(?: maintenant| la)?\b",
    r"\b(?:pas|plus|pu|jamais|hors de) (?:en )?(?:danger|urgent|une urgence|d urgence)\b",
    # exit requests are not emergencies
    r"\b(?:sortie d urgence|emergency exit|quick exit|sortie rapide)\b",
    r"\b(?:pas|aucune) d armes?\b",
]

# Removed before matching, without counting as "safe": the person who did it is held by the police.
# "he's locked up" is not "I'm locked up"; a danger told in the rest of the message still counts.
_HELD_BY_POLICE = re.compile(
    r"\b(?:he|she|they|the guy|that guy|my ex|my pimp|the trafficker|il|elle|le gars|mon ex|mon pimp|le trafiquant) "
    r"(?:is|are|was|were|got|has been|have been|est|sont|a ete|ont ete) (?:now |finally |still |maintenant |enfin |encore )?"
    r"(?:locked up|in jail|in prison|behind bars|arrested|en prison|arrete|arretee|en dedans|incarcere)\b"
)

_CONTRACTIONS = [
    (r"\bwon t\b|\bwont\b", "will not"),
    (r"\bcan t\b|\bcant\b|\bcannot\b", "can not"),
    (r"\b(\w+)n t\b", r"\1 not"),
    (r"\b(il|elle) [eé]\b", r"\1 est"),
    (r"\b(do|does|did|is|are|was|were|could|would|should|have|has|had|ain)nt\b", r"\1 not"),
    (r"\bi m\b|\bim\b", "i am"),
    (r"\bhe s\b|\bhes\b", "he is"),
    (r"\bshe s\b|\bshes\b", "she is"),
    (r"\bthey re\b|\btheyre\b", "they are"),
    (r"\bwe re\b", "we are"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bu\b", "you"),
    (r"\bpls\b|\bplz\b", "please"),
    (r"\bchui\b|\bjsuis\b|\bchuis\b|\bchu\b|\bj suis\b", "je suis"),
    (r"\bjpeux\b", "je peux"),
    (r"\bjvais\b", "je vais"),
    (r"\bjveux\b", "je veux"),
    (r"\blautre\b", "l autre"),
    (r"\bhell\b(?= (?:kill|hurt|find|beat|burn|shoot|stab))", "he will"),
]

# Short common words that are never typo-corrected (they are words in their own right).
_NO_CORRECT = set(
    "the and for you are not was has her him his our out pas les des mes ses est une qui que moi toi lui car dos sur "
    "eat ate see saw get got put let say did can may now how who why end van ami amie les lit vie mot bus "
    "this that then than them they their there here where were what when with your from have just like "
    "hiver ete automne printemps annee passee passe".split()
)


@dataclass(frozen=True)
class Danger:
    category: str
    pattern: str
    normalised: str

    @property
    def self_harm(self) -> bool:
        return self.category == SELF_HARM


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset:
    """The words the patterns are made of: typo correction aims at these."""
    words = set()
    for pats in PATTERNS.values():
        for p in pats:
            words.update(re.findall(r"[a-z]{2,}", p))
    return frozenset(words)


def _within_one_edit(a: str, b: str) -> bool:
    """True if a and b differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _correct(token: str, vocab: Iterable[str]) -> str:
    if len(token) < 3 or token in _NO_CORRECT or token in vocab or not token.isalpha() or is_word(token):
        return token
    candidates = sorted(
        w
        for w in vocab
        if len(w) >= 4 and w[0] == token[0] and abs(len(w) - len(token)) <= 1 and _within_one_edit(token, w)
    )
    # A dropped letter is the commonest typo in a hurry ("lockd", "outsde"): prefer those.
    dropped = [w for w in candidates if len(w) == len(token) + 1]
    best = dropped if dropped else candidates
    return best[0] if len(best) == 1 else token


@lru_cache(maxsize=1024)  # assess(), says_safe() and long_ago() see the same message
def normalise(text: str) -> str:
    text = (text or "").lower().replace("’", "'").replace("`", "'").replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    text = re.sub(r"[^\w]+|_", " ", text).strip()
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    vocab = _vocabulary()
    # Typos are corrected while the accents are still there: "aimes" is a word, "armes" too.
    return " ".join(strip_accents(t) if is_word(t) else _correct(strip_accents(t), vocab) for t in text.split())


@lru_cache(maxsize=1)
def _compiled() -> Tuple[List[Tuple[str, "re.Pattern"]], "re.Pattern"]:
    pats = [(cat, re.compile(p)) for cat in _ORDER for p in PATTERNS[cat]]
    safe = re.compile("|".join(f"(?:{p})" for p in _SAFE_STATEMENTS))
    return pats, safe


_LONG_AGO = re.compile(
    r"\b(?:(?:(?:a few|few|two|three|\d+|several|many) )?(?:weeks|months|years) ago|a (?:long )?while (?:ago|back)|last (?:week|month|year|summer|winter)"
    r"|(?:a|one|1) (?:year|month) ago|years back|(?:il )?y a (?:un|une|1) (?:an|annee|mois)"
    r"|(?:il )?y a (?:des|quelques|deux|trois|\d+|plusieurs) (?:semaines|mois|ans|annees)|l an passee?|l an derniere?|lannee passee|lannee derniere|lan passe|l annee passee|l annee derniere|le mois passee?|le mois derniere?|la semaine (?:passee|derniere)|dans le temps|a l epoque"
    r"|(?:last|this past) (?:spring|summer|fall|autumn|winter)|in the (?:spring|fall)|au printemps|(?:l ete|l hiver|l automne) (?:passe|dernier)"
    r"|when i was (?:a kid|a child|a teen|a teenager|younger|little|young|\d{1,2})|back in (?:19|20)\d\d|in (?:19|20)\d\d"
    r"|quand j (?:avais|etais) (?:\d{1,2}|petite?|jeune|ado|adolescente?|enfant)|en (?:19|20)\d\d)\b"
)
_STILL_NOW = {SELF_HARM, "confined", "weapon"}
_NOW = re.compile(
    # "now I lost the job" tells what followed, not danger now
    r"\b(?:right now|tonight|currently|again|maintenant|en ce moment|ce soir|a soir|encore|astheure)\b"
    r"|\bnow\b(?! i (?:lost|have lost|need|want|would like|wonder|am looking|can not pay|owe|have to pay|have no))"
    # "he just left", not "I just need someone to talk to"
    r"|\bjust\b(?! (?:need|needs|want|wants|wanted|wanna|wonder|wondering|looking|curious|asking|trying|like|a |an |to |some|one|info|information|need to))"
)


def _told_as_past(norm: str) -> bool:
    return bool(_LONG_AGO.search(norm)) and not _NOW.search(norm)


def _told_as_past_beside_well_now(text: str) -> bool:
    """_told_as_past, once "I'm doing better now", "I'm 31 now" or "ça me stresse encore" are set
    aside: a "now" inside them does not make the event present. `text` is normalised, safe
    statements already removed."""
    return _told_as_past(_NOT_HAPPENING_NOW.sub(" ", _WELL_NOW.sub(" ", text)))


def long_ago(text: str) -> bool:
    """The message tells of something weeks, months or years ago, and of nothing happening now
    ("now" inside "I'm safe now" or "elle va bien maintenant" does not count)."""
    return _told_as_past_beside_well_now(_compiled()[1].sub(" ", normalise(text)))


# "when I was 16, I'm 31 now", "ça me stresse encore": an age told now, or a feeling that stays, is not
# something happening now.
_NOT_HAPPENING_NOW = re.compile(
    r"\bi am \d{1,2}(?: years old| yo)? now\b|\bj ai \d{1,2} ans (?:maintenant|astheure|la)\b"
    r"|\b(?:me|m) (?:stresse|hante|fait peur|fait mal|derange|travaille|reste) encore\b|\bj y pense encore\b|\bencore (?:peur|mal|des cauchemars)\b"
    r"|\bstill (?:think|thinking|get|have|feel|feeling|scared|afraid|stressed|sad|anxious|shaken)\b"
)


# Saying one is well now: weaker than "I'm safe", so it never cancels a danger rule; it only tells the
# safety net that a danger the classifier guessed is not happening now.
_WELL_NOW = re.compile(
    # "je suis chez ma tante maintenant et en sécurité", "i'm at my cousin's now and safe" (no "not" in between)
    r"\b(?:je suis|on est|nous sommes) (?!(?:\w+ ){0,5}?(?:pas|plus|pu|jamais) )(?:\w+ ){1,5}(?:et )?(?:en securite|safe)\b"
    r"|\b(?:i am|we are|she is|he is|they are) (?!(?:\w+ ){0,7}?(?:not|never|no longer) )(?:\w+ ){1,7}(?:and )?safe\b|"
    r"\b(?:she|he|they) (?:is|are) (?:asleep|sleeping|upstairs|in class|at school|in (?:her|his|their) room)\b|"
    r"\b(?:he|she|they) (?:does|do) not know where i (?:am|live|am staying)\b|\bil (?:ne )?sait pas ou je (?:suis|reste|vis|demeure)\b|\b(?:elle|il) (?:dort|est en haut|est en classe|est a l ecole|est dans sa chambre)\b|"
    r"\b(?:i am|i feel|we are|she is|he is|they are|my \w+ is) (?:fine|ok|okay|alright|all right|good|better|doing (?:fine|ok|okay|well|good|better))"
    r"(?: now| today| physically| day to day| these days)?\b(?! but not)"
    r"|\b(?:je vais|elle va|il va|ils vont|on va|je me porte|ca va) (?:bien|mieux)(?: maintenant| la| astheure| aujourd hui)?\b|\b(?:je suis|c est) (?:correct|correcte|ok|okay) (?:la|maintenant)\b"
    r"|\b(?:maintenant|astheure|la) (?:je suis|elle est|il est) (?:correcte?|ok|okay|bien|safe)\b|\b(?:elle|il) est (?:correcte?|ok|okay) (?:la|maintenant|astheure)\b"
    r"|\b(?:elle|il) est (?:\w+ ){0,4}(?:safe|en securite)\b(?! (?:de|d))|\b(?:elle|il) est (?:avec moi|avec nous|chez nous)\b"
    r"|\b(?:is|are|am) (?:now )?(?:in|at) (?:a |the )?(?:safe house|shelter|refuge)(?: now)?\b"
    r"|\b(?:est|suis|sont) (?:maintenant )?(?:dans|en|au) (?:une )?(?:maison d hebergement|refuge|maison securitaire)(?: maintenant)?\b"
    r"|\b(?:nobody|no one|noone) (?:was|got) hurt\b|\bpersonne (?:n )?a ete blessee?\b"
    # (not "il est revenu": "he is back" can be the danger itself)
    r"|\b(?:elle|il) est a la maison\b|\b(?:elle|il) a ete retrouvee?\b|\b(?:she|he) (?:is|got) (?:back )?home\b"
    r"|\bpolice (?:report )?(?:is|was) (?:done|made|filed)\b|\bpolice (?:dealt|handled|took care)\b"
    r"|\bla police (?:s en est occupee|a pris ma plainte|est (?:deja )?au courant|l a (?:deja )?(?:arrete|rencontree?))\b"
    r"|\bca va (?:bien |mieux )?(?:maintenant|astheure|la)\b|\bc est (?:fini|termine|regle) (?:depuis|maintenant|astheure|la)\b|\b(?:it is|that is|it has been) (?:over|behind me)\b"
    r"|" + _HELD_BY_POLICE.pattern
)


def says_safe(text: str) -> bool:
    """The user states they (or the person they tell about) are safe, well, or not in danger now."""
    norm = normalise(text)
    return bool(_compiled()[1].search(norm) or _WELL_NOW.search(norm))


def assess(text: str) -> Optional[Danger]:
    """The first sign of immediate danger in `text`, or None."""
    norm = normalise(text)
    pats, safe = _compiled()
    said_safe = bool(safe.search(norm))
    remaining = _HELD_BY_POLICE.sub(" ", safe.sub(" ", norm))
    past = _told_as_past_beside_well_now(remaining)
    well_now = said_safe or bool(_WELL_NOW.search(norm))
    # told as the past, and well now ("last year I had dark thoughts, I'm doing better now")
    calm_past = past and well_now
    # a weapon seen, no sign it is now, and the person says they are well
    calm_weapon = well_now and not _NOW.search(norm)
    for category, rx in pats:
        # "attacked me a few weeks ago" is a past event: support, not 911 (unless still trapped, armed or self-harm)
        if past and (category not in _STILL_NOW or (calm_past and category != "confined")):
            continue
        # "un élève avait un couteau... personne a été blessé pis je suis correct"
        if category == "weapon" and calm_weapon:
            continue
        # Saying "I'm safe now" cancels everything but self-harm and danger to someone else,
        # which "she came home" or "we found him" cancels instead.
        if category == "someone_else":
            if _OTHER_SAFE.search(norm):
                continue
        elif said_safe and category != SELF_HARM:
            continue
        if rx.search(remaining):
            return Danger(category, rx.pattern, norm)
    return None
