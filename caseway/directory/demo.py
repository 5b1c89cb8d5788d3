"""The fictional demo directory: areas, services and places of Aldoria (XA) and Belmara (XB).

Everything here is invented. XA and XB are ISO 3166 user-assigned codes, so their P-codes can
never be a real area's. Area names are made-up compounds. Coordinates lie in open sea in the Gulf
of Guinea (latitude 1–3° N, longitude 1–4° E, hundreds of kilometres from any coast), so no pin,
and above all no safe shelter's, can land on a real building. Phone numbers use +999, which is not
an assigned country code; e-mail addresses use example.org, which is reserved. Contacts are desks,
never people.

Deterministic and idempotent: every row has a fixed UUIDv5 id derived from a stable key, rows
are compared before writing, so a second run writes nothing. Areas go through the same import
as a COD-AB file (admin_areas.py), so the demo exercises the real path.
"""

import csv
import datetime
import io
import uuid
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from caseway.directory import models
from caseway.directory.admin_areas import import_admin_areas
from caseway.directory.facts import refresh_facts
from caseway.directory.schedules import refresh_openings
from caseway.directory.taxonomy import term_id

NAMESPACE = uuid.UUID("5c0e7a41-93b2-5d8e-a1f4-2b6c8d0e4f71")
DEMO_DOMAIN = "demo.example.org"
# Fixed dates, so a second run compares equal and writes nothing.
VERIFIED_ON = datetime.date(2026, 11, 2)
MODIFIED_AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
# Fictional countries, fictional clocks: one UTC offset each (HSDS keeps it on the schedule).
UTC_OFFSET = {"XA": Decimal("3.00"), "XB": Decimal("2.00")}


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


# ---------------------------------------------------------------------------------------------
# Administrative areas: 3 regions per country, 2–3 districts per region

COUNTRY_NAMES = {
    "XA": ("Aldoria", {"fr": "Aldorie", "ar": "ألدوريا", "es": "Aldoria"}),
    "XB": ("Belmara", {"fr": "Belmara", "ar": "بيلمارا", "es": "Belmara"}),
}
# pcode: (name, Arabic transliteration, latitude, longitude)
REGIONS = {
    "XA01": ("Northmarch", "نورثمارش", "2.55", "1.35"),
    "XA02": ("Amberhollow", "أمبرهولو", "1.85", "1.70"),
    "XA03": ("Emberreach", "إمبريتش", "1.25", "2.05"),
    "XB01": ("Saltmeadow", "سولتميدو", "2.55", "2.95"),
    "XB02": ("Highcairn", "هايكيرن", "1.85", "3.30"),
    "XB03": ("Duskwater", "داسكووتر", "1.25", "3.65"),
}
DISTRICTS = {
    "XA0101": ("Riverbend", "ريفربند", "2.70", "1.20"),
    "XA0102": ("Quillmarsh", "كويلمارش", "2.45", "1.45"),
    "XA0103": ("Larkspire", "لاركسباير", "2.30", "1.15"),
    "XA0201": ("Copperfen", "كوبرفن", "1.95", "1.60"),
    "XA0202": ("Glimmerbrook", "غليمربروك", "1.70", "1.85"),
    "XA0301": ("Wrenfold", "رينفولد", "1.35", "1.95"),
    "XA0302": ("Brightmoss", "برايتموس", "1.10", "2.20"),
    "XB0101": ("Ferncrest", "فيرنكرست", "2.70", "2.85"),
    "XB0102": ("Glimmerford", "غليمرفورد", "2.45", "3.05"),
    "XB0103": ("Oakrill", "أوكريل", "2.30", "2.80"),
    "XB0201": ("Stonequill", "ستونكويل", "1.95", "3.20"),
    "XB0202": ("Cindervale", "سيندرفيل", "1.70", "3.45"),
    "XB0301": ("Lanternbay", "لانترنباي", "1.35", "3.55"),
    "XB0302": ("Reedwhistle", "ريدويسل", "1.10", "3.80"),
}


def _translated(level: int, pcode: str) -> list[str]:
    """pcode, name, fr, ar, es of one area, as a COD-AB row spells them."""
    if level == 0:
        name, translations = COUNTRY_NAMES[pcode]
        return [pcode, name, translations["fr"], translations["ar"], translations["es"]]
    name, arabic, _, _ = (REGIONS if level == 1 else DISTRICTS)[pcode]
    if level == 1:
        return [pcode, f"{name} Region", f"Région de {name}", f"إقليم {arabic}", f"Región de {name}"]
    return [pcode, f"{name} District", f"District de {name}", f"مقاطعة {arabic}", f"Distrito de {name}"]


def admin_areas_csv(level: int) -> bytes:
    """The demo's admin-``level`` table in the OCHA COD-AB shape that ``import_admin_areas`` reads.

    As in COD-AB, each table's centroid is its deepest area's: the admin-1 table carries the
    regions' centroids, the admin-2 table the districts'.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = []
    for depth in range(level + 1):
        header += [f"adm{depth}_pcode", f"adm{depth}_name", *(f"adm{depth}_name_{lang}" for lang in ("fr", "ar", "es"))]
    writer.writerow([*header, "latitude", "longitude"])
    for pcode, (_, _, latitude, longitude) in sorted((REGIONS if level == 1 else DISTRICTS).items()):
        cells = []
        for depth in range(level + 1):
            cells += _translated(depth, pcode[: 2 + 2 * depth])
        writer.writerow([*cells, latitude, longitude])
    return buffer.getvalue().encode("utf-8")


def _seed_admin_areas() -> dict[str, models.AdminArea]:
    for level in (1, 2):
        import_admin_areas(admin_areas_csv(level), actor=None, actor_label="manage.py seed_demo")
    pcodes = [*COUNTRY_NAMES, *REGIONS, *DISTRICTS]
    return models.AdminArea.objects.select_related("parent").filter(pcode__in=pcodes).in_bulk(field_name="pcode")


# ---------------------------------------------------------------------------------------------
# Services

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "fr": "French",
    "en": "English",
    "ha": "Hausa",
    "ff": "Fula",
    "so": "Somali",
    "ti": "Tigrinya",
    "sgn": "Sign language",
}
# The languages a service of each country speaks, first the official ones, then local ones.
COUNTRY_LANGUAGES = {"XA": ("ar", "fr", "en", "ha", "ff"), "XB": ("ar", "en", "fr", "so", "ti")}

# name: [(days, opens, closes), ...]; equal times mean all day (schedules.py)
HOURS = {
    "weekdays": [("MO,TU,WE,TH,FR", "08:00", "16:00")],
    "office": [("MO,TU,WE,TH", "09:00", "17:00"), ("FR", "09:00", "12:00")],
    "always": [("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")],
    "evenings": [("MO,WE", "17:00", "20:00"), ("SA", "10:00", "14:00")],
    "mornings": [("SU,MO,TU,WE,TH", "07:30", "12:30")],
    "night": [("MO,TU,WE,TH,FR,SA,SU", "18:00", "07:00")],  # runs past midnight
}

PROGRAMS = {
    "RSM": [("coordination", "Joint Recovery Coordination", "Inter-agency services run by the mission.")],
    "HWN": [("women", "Women's Recovery Programme", "Shelter, counselling and livelihoods for women survivors.")],
    "SPI": [
        ("protection", "Protection and Legal Aid Programme", "Case management, shelter and legal aid."),
        ("mhpss", "Trauma Recovery Programme", "Specialised psychological care."),
    ],
    "RHC": [("clinical", "Survivor Clinical Care", "Clinical care for survivors of sexual violence.")],
    "MSA": [("safety_net", "National Recovery Safety Net", "Public documentation, cash and education schemes.")],
    "BLC": [("justice", "Access to Justice Project", "Free legal help for victims of human rights violations.")],
    "HCC": [("community", "Neighbours Together", "Community-run support close to home.")],
    "UFR": [("relief", "Faith Relief Network", "Shelter, food and transport through community halls.")],
    "GVC": [("jobs", "Green Jobs Pathway", "Training and work places at the cooperative.")],
    "CFR": [("window", "Recovery Grants Window", "Grants to survivors and their households.")],
}


@dataclass(frozen=True)
class Spec:
    key: str
    org: str
    name: str
    categories: tuple
    district: str  # admin-2 P-code of the place it is delivered
    description: str
    program: str = ""
    hours: str = "weekdays"
    sex: str = models.Sex.ANY
    ages: tuple = (None, None)
    public: bool = True
    status: str = models.Service.Status.ACTIVE
    alert: str = ""
    capacity: tuple | None = None  # (available, maximum) places
    waiting_days: int | None = None
    confidential: bool = False
    virtual: bool = False
    childcare: bool = False
    transport: bool = False
    accepting: bool = True
    interpretation: str = ""
    extra_languages: tuple = ()
    access: tuple = ("wheelchair", "private_room")
    documents: tuple = ()
    fees: str = "Free of charge."
    funded_by_cfr: bool = True


S = models.Sex
CLOSED = models.Service.Status.TEMPORARILY_CLOSED
NO_DOCUMENTS = ("No documents needed; we help you replace lost ones.",)

# One service per block reads as a table; the formatter would spread each over twenty lines.
# fmt: off
SERVICES = [
    # RSM: UN mission, both countries
    Spec("rsm-helpline", "RSM", "Inter-agency referral helpline", ("mhpss.pfa", "protection.safety_planning"),
         "XA0101", "A free line that listens, gives psychological first aid and finds the right service.",
         program="coordination", hours="always", virtual=True, extra_languages=("ha", "ff", "so", "ti"),
         interpretation="Phone interpreters for every language spoken in both countries."),
    Spec("rsm-cash-xa", "RSM", "Multipurpose recovery cash (Aldoria)", ("livelihoods.cash_grant",), "XA0201",
         "Monthly cash for three months for households referred by a partner.", program="coordination",
         documents=("Referral form from a partner caseworker",), capacity=(40, 300)),
    Spec("rsm-cash-xb", "RSM", "Multipurpose recovery cash (Belmara)", ("livelihoods.cash_grant",), "XB0201",
         "Monthly cash for three months for households referred by a partner.", program="coordination",
         documents=("Referral form from a partner caseworker",), capacity=(0, 250)),
    Spec("rsm-interpreters", "RSM", "Interpreter pool for partner agencies", ("interpretation.spoken",), "XA0101",
         "Trained interpreters, women and men, booked by partner caseworkers for sessions.", public=False,
         program="coordination", hours="office", extra_languages=("ha", "ff"),
         interpretation="Hausa, Fula, Arabic, French and English; female interpreters on request."),
    Spec("rsm-sign", "RSM", "Sign-language interpretation on request", ("interpretation.sign_language",), "XB0101",
         "Sign-language interpreters for appointments at any partner.", program="coordination",
         extra_languages=("sgn",), access=("wheelchair", "sign_language", "hearing_loop")),
    Spec("rsm-dignity", "RSM", "Dignity kit distribution", ("basic_needs.nfi",), "XA0301",
         "Hygiene and dignity kits for women and girls.", sex=S.FEMALE, status=CLOSED,
         alert="Paused until the next delivery of kits.", program="coordination"),
    # HWN: women's network, Aldoria
    Spec("hwn-shelter-north", "HWN", "Women's safe shelter (Northmarch)", ("protection.safe_shelter",), "XA0102",
         "Short-stay shelter for women and their children at risk of further violence.", program="women",
         hours="always", sex=S.FEMALE, ages=(18, None), capacity=(0, 12), confidential=True, childcare=True,
         access=("female_staff", "private_room", "child_friendly"), documents=NO_DOCUMENTS),
    Spec("hwn-shelter-amber", "HWN", "Women's safe shelter (Amberhollow)", ("protection.safe_shelter",), "XA0201",
         "Shelter with a caseworker on site day and night.", program="women", hours="always", sex=S.FEMALE,
         ages=(18, None), capacity=(3, 8), confidential=True, public=False, childcare=True,
         access=("female_staff", "private_room", "wheelchair")),
    Spec("hwn-counselling", "HWN", "Women's counselling", ("mhpss.counselling", "mhpss.peer_support"), "XA0101",
         "One-to-one and group counselling with women counsellors.", program="women", hours="office",
         sex=S.FEMALE, waiting_days=5, childcare=True, access=("female_staff", "private_room", "child_friendly")),
    Spec("hwn-peer", "HWN", "Survivor peer support circle", ("mhpss.peer_support",), "XA0103",
         "A weekly circle run by survivors trained as peer supporters.", program="women", hours="evenings",
         sex=S.FEMALE, access=("female_staff",)),
    Spec("hwn-creche", "HWN", "Crèche during sessions", ("childcare.on_site",), "XA0101",
         "Care for children under six while their mother attends a session.", program="women", hours="office",
         ages=(0, 6), access=("child_friendly", "accessible_toilet")),
    Spec("hwn-tailoring", "HWN", "Tailoring and catering training", ("livelihoods.vocational_training",), "XA0202",
         "Six-month course with a starter kit at the end.", program="women", sex=S.FEMALE, ages=(16, None),
         capacity=(0, 20), childcare=True, transport=True),
    Spec("hwn-safety", "HWN", "Safety planning", ("protection.safety_planning",), "XA0102",
         "A caseworker makes a personal safety plan with you.", program="women", sex=S.FEMALE,
         access=("female_staff", "private_room")),
    Spec("hwn-literacy", "HWN", "Women's literacy classes", ("education.literacy",), "XA0301",
         "Reading, writing and numbers in small groups.", program="women", hours="mornings", sex=S.FEMALE,
         childcare=True, access=("easy_read", "child_friendly")),
    Spec("hwn-pfa", "HWN", "Psychological first aid drop-in", ("mhpss.pfa",), "XA0302",
         "Come without an appointment to talk to a trained listener.", program="women"),
    # SPI: international NGO, both countries
    Spec("spi-shelter-xa", "SPI", "Emergency protection shelter (Aldoria)", ("protection.safe_shelter",),
         "XA0301", "Emergency shelter for up to two weeks while a safe longer-term option is found.",
         program="protection", hours="always", capacity=(4, 10), confidential=True,
         access=("private_room", "female_staff", "wheelchair")),
    Spec("spi-shelter-xb", "SPI", "Emergency protection shelter (Belmara)", ("protection.safe_shelter",),
         "XB0201", "Emergency shelter for up to two weeks while a safe longer-term option is found.",
         program="protection", hours="always", capacity=(2, 6), confidential=True, public=False,
         access=("private_room", "female_staff")),
    Spec("spi-legal-counsel", "SPI", "Legal counselling for survivors", ("legal.counselling",), "XA0101",
         "Confidential advice on your rights and options, at your pace.", program="protection", hours="office",
         interpretation="Interpreters booked through the partner pool.", documents=NO_DOCUMENTS),
    Spec("spi-legal-rep", "SPI", "Court accompaniment and representation", ("legal.representation",), "XA0201",
         "A lawyer represents you and a caseworker comes to every hearing.", program="protection",
         capacity=(2, 15), transport=True, documents=("Any papers you have about the case (not required)",)),
    Spec("spi-witness", "SPI", "Witness support and protection", ("protection.witness_protection",), "XA0101",
         "Risk assessment, safe transport and accompaniment for witnesses.", program="protection",
         public=False, transport=True),
    Spec("spi-casework-xb", "SPI", "Survivor case management (Belmara)", ("protection.safety_planning",),
         "XB0101", "A caseworker coordinates your services and your safety plan.", program="protection",
         hours="office", extra_languages=("so",)),
    Spec("spi-therapy", "SPI", "Trauma-focused psychotherapy", ("mhpss.psychotherapy",), "XA0102",
         "Twelve weekly sessions with a psychologist.", program="mhpss", hours="office", ages=(15, None),
         waiting_days=21, interpretation="Female interpreters for Hausa and Fula."),
    Spec("spi-truth", "SPI", "Statement-taking for the truth commission", ("legal.transitional_justice",), "XB0301",
         "Support to give a statement safely, with psychosocial support before and after.",
         program="protection", documents=NO_DOCUMENTS),
    Spec("spi-transport", "SPI", "Transport to appointments", ("basic_needs.transport_stipend",), "XA0201",
         "Fares or a driver for appointments at any partner.", program="protection", transport=True),
    Spec("spi-child-space", "SPI", "Child-friendly space", ("childcare.early_education",), "XB0102",
         "Play and early learning for young children, with trained facilitators.", program="protection",
         hours="mornings", ages=(3, 6), access=("child_friendly", "accessible_toilet")),
    Spec("spi-cmr-xb", "SPI", "Mobile clinic for survivors (Belmara)", ("health.cmr", "health.srh"), "XB0202",
         "Clinical care after sexual violence; come within 72 hours for post-exposure prophylaxis.",
         program="protection", hours="always", access=("female_staff", "private_room")),
    Spec("spi-counselling-xb", "SPI", "Counselling (Belmara)", ("mhpss.counselling",), "XB0302",
         "Short-term counselling, in person or by phone.", program="mhpss", waiting_days=0,
         extra_languages=("ti",)),
    # RHC: health facility, Aldoria
    Spec("rhc-cmr", "RHC", "Clinical management of rape", ("health.cmr",), "XA0101",
         "Emergency care after sexual violence, day and night. Come within 72 hours for post-exposure "
         "prophylaxis and emergency contraception; care is given after 72 hours too.",
         hours="always", program="clinical", access=("female_staff", "private_room", "wheelchair"),
         documents=("No police report needed",)),
    Spec("rhc-srh", "RHC", "Sexual and reproductive health clinic", ("health.srh",), "XA0101",
         "Family planning, antenatal care and treatment of infections.", program="clinical", sex=S.FEMALE),
    Spec("rhc-primary", "RHC", "Primary health care", ("health.primary",), "XA0101",
         "General consultations for adults and children.", program="clinical", fees="Free for referred survivors."),
    Spec("rhc-psychiatry", "RHC", "Psychiatric outpatient care", ("mhpss.psychiatric",), "XA0102",
         "Assessment and treatment by a psychiatric nurse and a visiting psychiatrist.", program="clinical",
         hours="office", ages=(16, None), waiting_days=30, capacity=(0, 25)),
    Spec("rhc-mobile", "RHC", "Mobile health clinic", ("health.primary", "health.srh"), "XA0202",
         "A clinic on wheels visiting villages every fortnight.", program="clinical", status=CLOSED,
         alert="The vehicle is being repaired; visits resume next month.", transport=True),
    Spec("rhc-cmr-south", "RHC", "Survivor care point (Brightmoss)", ("health.cmr",), "XA0302",
         "Clinical care after sexual violence at the district health post.", program="clinical",
         hours="always", access=("female_staff", "private_room")),
    # MSA: government, Aldoria
    Spec("msa-civil", "MSA", "Civil registration desk", ("legal.civil_documentation",), "XA0101",
         "Birth, marriage and identity documents, including late registration.", program="safety_net",
         hours="mornings", documents=("Any document you have; two witnesses if you have none",)),
    Spec("msa-civil-mobile", "MSA", "Mobile civil registration", ("legal.civil_documentation",), "XA0302",
         "Registration teams visiting camps and villages.", program="safety_net",
         documents=("Any document you have; two witnesses if you have none",)),
    Spec("msa-reparations", "MSA", "Reparations registration", ("legal.reparations",), "XA0201",
         "Registration for the national reparations programme for victims of the conflict.",
         program="safety_net", hours="office", documents=NO_DOCUMENTS),
    Spec("msa-safety-net", "MSA", "Social safety net enrolment", ("livelihoods.cash_grant",), "XA0102",
         "Monthly transfers for households headed by women.", program="safety_net",
         documents=("Household registration card (the desk can issue one)",)),
    Spec("msa-wage", "MSA", "Employer wage subsidy", ("livelihoods.wage_subsidy",), "XA0101",
         "Half of a new worker's wage for six months, paid to the employer.", program="safety_net",
         hours="office", ages=(18, None)),
    Spec("msa-language", "MSA", "Language classes for returnees", ("education.language_classes",), "XA0202",
         "French and Arabic classes for people who grew up abroad.", program="safety_net", hours="evenings"),
    Spec("msa-vouchers", "MSA", "Childcare vouchers", ("childcare.vouchers",), "XA0301",
         "Vouchers for registered childminders while you study or work.", program="safety_net",
         capacity=(15, 60)),
    Spec("msa-food", "MSA", "Food parcels", ("basic_needs.food",), "XA0103",
         "Monthly family food parcel.", program="safety_net", hours="mornings"),
    # BLC: legal clinic, Belmara
    Spec("blc-counsel", "BLC", "Free legal advice", ("legal.counselling",), "XB0101",
         "Advice from a lawyer on any legal problem linked to the conflict.", program="justice", hours="office",
         documents=NO_DOCUMENTS, interpretation="Somali and Tigrinya interpreters on request."),
    Spec("blc-representation", "BLC", "Representation in court", ("legal.representation",), "XB0101",
         "A lawyer takes your case, including cases of sexual violence.", program="justice", capacity=(3, 12)),
    Spec("blc-outreach", "BLC", "Legal outreach clinic (Reedwhistle)", ("legal.representation", "legal.counselling"),
         "XB0302", "A lawyer visits the community hall twice a month.", program="justice", capacity=(0, 6),
         transport=True),
    Spec("blc-documents", "BLC", "Help with lost documents", ("legal.civil_documentation",), "XB0102",
         "Replacing identity, land and birth documents.", program="justice", documents=NO_DOCUMENTS),
    Spec("blc-reparations", "BLC", "Reparations claims", ("legal.reparations",), "XB0201",
         "Help to file and follow a claim for reparations.", program="justice"),
    Spec("blc-transitional", "BLC", "Transitional justice information", ("legal.transitional_justice",), "XB0101",
         "What the tribunals and the truth commission can and cannot do for you.", program="justice",
         access=("easy_read", "wheelchair")),
    Spec("blc-witness", "BLC", "Witness preparation", ("protection.witness_protection",), "XB0101",
         "Preparing witnesses for hearings, with protective measures.", program="justice", public=False),
    # HCC: community group, Belmara
    Spec("hcc-peer", "HCC", "Community peer support", ("mhpss.peer_support",), "XB0102",
         "Weekly groups for women and for men, run by trained neighbours.", program="community",
         hours="evenings", extra_languages=("so", "ti")),
    Spec("hcc-pfa", "HCC", "Listening point", ("mhpss.pfa",), "XB0103",
         "Volunteers trained in psychological first aid.", program="community", hours="evenings"),
    Spec("hcc-food", "HCC", "Community kitchen", ("basic_needs.food",), "XB0102",
         "A hot meal every weekday; parcels for families.", program="community", hours="mornings"),
    Spec("hcc-nfi", "HCC", "Household items store", ("basic_needs.nfi",), "XB0301",
         "Blankets, cooking sets and clothes.", program="community", status=CLOSED,
         alert="Closed while the store moves to the new hall."),
    Spec("hcc-childcare", "HCC", "Neighbourhood crèche", ("childcare.on_site",), "XB0102",
         "Childminders for children under five.", program="community", ages=(0, 5), capacity=(6, 20),
         access=("child_friendly",)),
    Spec("hcc-literacy", "HCC", "Evening literacy", ("education.literacy",), "XB0103",
         "Reading and writing for adults.", program="community", hours="evenings", access=("easy_read",)),
    Spec("hcc-language", "HCC", "English and French conversation", ("education.language_classes",), "XB0201",
         "Conversation groups for work and daily life.", program="community", hours="evenings"),
    Spec("hcc-interpreters", "HCC", "Community interpreters", ("interpretation.spoken",), "XB0101",
         "Volunteer interpreters who go with you to appointments.", program="community", hours="office",
         extra_languages=("so", "ti"), interpretation="Somali and Tigrinya; women volunteers available."),
    Spec("hcc-health-visits", "HCC", "Community health visits", ("health.primary",), "XB0302",
         "Community health workers visit homes for check-ups and referrals.", program="community"),
    # UFR: faith group, Belmara
    Spec("ufr-shelter", "UFR", "Night shelter", ("protection.safe_shelter",), "XB0301",
         "A safe bed and a meal for women and children.", program="relief", hours="night", sex=S.FEMALE,
         capacity=(0, 15), confidential=True, access=("female_staff", "child_friendly")),
    Spec("ufr-counselling", "UFR", "Pastoral counselling", ("mhpss.counselling",), "XB0201",
         "Counselling for people of any faith or none.", program="relief", hours="office"),
    Spec("ufr-food", "UFR", "Food bank", ("basic_needs.food",), "XB0201",
         "Weekly food baskets.", program="relief", hours="mornings"),
    Spec("ufr-transport", "UFR", "Transport stipend", ("basic_needs.transport_stipend",), "XB0302",
         "Bus fares to reach health and legal appointments.", program="relief", transport=True),
    Spec("ufr-early", "UFR", "Early learning group", ("childcare.early_education",), "XB0301",
         "Pre-school group in the community hall.", program="relief", hours="mornings", ages=(3, 6)),
    # GVC: employer cooperative, Belmara
    Spec("gvc-apprentice", "GVC", "Apprenticeships in solar installation", ("livelihoods.apprenticeship",),
         "XB0101", "Paid apprenticeships of nine months.", program="jobs", ages=(18, 35), capacity=(5, 12),
         childcare=True),
    Spec("gvc-placement", "GVC", "Job placement", ("livelihoods.job_placement",), "XB0102",
         "Matching with cooperative members who are hiring.", program="jobs", hours="office"),
    Spec("gvc-wage", "GVC", "Wage subsidy jobs", ("livelihoods.wage_subsidy",), "XB0201",
         "Subsidised first jobs in the cooperative's farms.", program="jobs", ages=(18, None)),
    Spec("gvc-training", "GVC", "Agricultural skills training", ("livelihoods.vocational_training",), "XB0302",
         "Three-month course in climate-smart farming.", program="jobs", capacity=(0, 30), transport=True,
         accepting=False),
    Spec("gvc-creche", "GVC", "Workplace crèche", ("childcare.on_site",), "XB0101",
         "Free childcare for workers and trainees.", program="jobs", ages=(0, 5), access=("child_friendly",)),
    # CFR: pooled fund, Belmara
    Spec("cfr-microgrants", "CFR", "Start-up grants and small loans", ("livelihoods.microfinance",), "XB0201",
         "Grants and interest-free loans for small businesses, with business coaching.", program="window",
         ages=(18, None), documents=("A short business idea (we help you write it)",)),
    Spec("cfr-emergency", "CFR", "Emergency recovery grants", ("livelihoods.cash_grant",), "XB0103",
         "One-off grants for urgent needs, paid through a partner caseworker.", program="window", public=False,
         documents=("Referral form from a partner caseworker",)),
]
# fmt: on


def _spread(key: str, span: str) -> Decimal:
    """A fixed small offset (± span degrees) from a key, so places in a district do not overlap."""
    fraction = (zlib.crc32(key.encode()) % 2001 - 1000) / 1000
    return (Decimal(span) * Decimal(fraction)).quantize(Decimal("0.0000001"))


def _languages(spec: Spec) -> list[str]:
    """2–4 country languages, rotated by the key so services differ, plus any extra ones."""
    country = COUNTRY_LANGUAGES[spec.district[:2]]
    turn = zlib.crc32(spec.key.encode())
    codes = list(country[:2]) + [country[2 + turn % 3]] + ([country[2 + (turn + 1) % 3]] if turn % 2 else [])
    return list(dict.fromkeys(codes + list(spec.extra_languages)))


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class _Rows:
    """Desired rows per model, keyed by id; written in one pass with as few queries as possible."""

    def __init__(self):
        self.by_model: dict = {}

    def add(self, model, kind: str, key: str, **values):
        row_id = demo_id(kind, key)
        self.by_model.setdefault(model, {})[row_id] = values
        return row_id

    def write(self):
        for model, rows in self.by_model.items():
            _sync(model, rows)


def _sync(model, rows: dict) -> None:
    """Creates missing rows and updates differing ones; a row already as wanted is not written."""
    existing = model.objects.in_bulk(list(rows))
    to_create, to_update, changed_fields = [], [], set()
    for row_id, values in rows.items():
        instance = existing.get(row_id)
        if instance is None:
            to_create.append(model(id=row_id, **values))
            continue
        differing = {name for name, value in values.items() if getattr(instance, name) != value}
        if differing:
            for name in differing:
                setattr(instance, name, values[name])
            changed_fields |= differing
            to_update.append(instance)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields = sorted(name.removesuffix("_id") for name in changed_fields)
        model.objects.bulk_update(to_update, fields, batch_size=500)


def _unit(name: str, key: str) -> models.Unit:
    # A unit of that name may exist already (an HSDS import): share it rather than add a twin.
    unit = models.Unit.objects.filter(name=name).order_by("id").first()
    if unit is None:
        unit = models.Unit.objects.create(id=demo_id("unit", key), name=name, scheme="caseway")
    return unit


def _office_key(spec: Spec) -> str:
    return f"{spec.org}-{spec.district}"


def _add_location(rows: _Rows, spec: Spec, organization, areas, *, key: str) -> uuid.UUID:
    district = areas[spec.district]
    region = district.parent
    country = spec.district[:2]
    if spec.virtual:
        return rows.add(
            models.Location,
            "location",
            key,
            location_type=models.Location.LocationType.VIRTUAL,
            url=f"https://{spec.org.lower()}.{DEMO_DOMAIN}/helpline",
            organization_id=organization.id,
            name=f"{organization.acronym} helpline",
            description="By phone and online chat.",
            transportation="",
            latitude=None,
            longitude=None,
            admin_area_id=areas[country].id,
            is_confidential=False,
        )
    place = district.name.removesuffix(" District")
    if spec.confidential:
        name, description = f"{organization.acronym} shelter house ({place})", "Address given by the caseworker."
        transportation = "Staff arrange the journey; do not share the address."
    else:
        name, description = f"{organization.acronym} {place} centre", f"{organization.name} in {place}."
        transportation = f"Minibus to {place} market, then a short walk."
    location_id = rows.add(
        models.Location,
        "location",
        key,
        location_type=models.Location.LocationType.PHYSICAL,
        url="",
        organization_id=organization.id,
        name=name,
        description=description,
        transportation=transportation,
        latitude=(district.latitude + _spread(key + ":lat", "0.08")).quantize(Decimal("0.0000001")),
        longitude=(district.longitude + _spread(key + ":lon", "0.08")).quantize(Decimal("0.0000001")),
        admin_area_id=district.id,
        is_confidential=spec.confidential,
    )
    number = zlib.crc32(key.encode()) % 90 + 10
    rows.add(
        models.Address,
        "address",
        key,
        location_id=location_id,
        attention="",
        address_1=f"{number} {'Hidden' if spec.confidential else 'Market'} Lane",
        address_2="",
        city=place,
        region="",
        state_province=region.name,
        postal_code=spec.district,
        country=country,
        address_type=models.Address.AddressType.PHYSICAL,
    )
    rows.add(
        models.Phone,
        "phone",
        f"location:{key}",
        location_id=location_id,
        number=f"+999 {1 if country == 'XA' else 2}{zlib.crc32(key.encode()) % 100:02d} {number:02d}{number:02d}",
        type="voice",
        description="Reception",
    )
    for feature in spec.access:
        label = models.Accessibility.Feature(feature).label
        rows.add(
            models.Accessibility,
            "accessibility",
            f"{key}:{feature}",
            location_id=location_id,
            feature=feature,
            description=str(label),
            details="",
            url="",
        )
    return location_id


@transaction.atomic
def seed(network: dict) -> None:
    organizations = network["organizations"]
    areas = _seed_admin_areas()
    places = _unit("places", "places")
    waiting = _unit("waiting days", "waiting-days")
    rows = _Rows()

    programs = {}
    for acronym, entries in PROGRAMS.items():
        for key, name, description in entries:
            programs[(acronym, key)] = rows.add(
                models.Program,
                "program",
                f"{acronym}:{key}",
                organization_id=organizations[acronym].id,
                name=name,
                alternate_name="",
                description=description,
            )

    for index, spec in enumerate(SERVICES):
        organization = organizations[spec.org]
        country = spec.district[:2]
        service_id = rows.add(
            models.Service,
            "service",
            spec.key,
            organization_id=organization.id,
            program_id=programs[(spec.org, spec.program)] if spec.program else None,
            name=spec.name,
            alternate_name="",
            description=spec.description,
            url=f"https://{spec.org.lower()}.{DEMO_DOMAIN}/services/{spec.key}",
            email=f"intake@{spec.org.lower()}.{DEMO_DOMAIN}",
            status=spec.status,
            interpretation_services=spec.interpretation,
            application_process=(
                "Through a caseworker's referral, or come in person."
                if not spec.confidential
                else "Only through a caseworker's referral: the address is given to you directly."
            ),
            fees_description=spec.fees,
            wait_time=f"{spec.waiting_days} days" if spec.waiting_days else "",
            fees="",
            accreditations="",
            eligibility_description=_eligibility(spec),
            minimum_age=spec.ages[0],
            maximum_age=spec.ages[1],
            assured_date=VERIFIED_ON if index % 3 else None,
            assurer_email=f"coordinator@rsm.{DEMO_DOMAIN}" if index % 3 else "",
            licenses="",
            alert=spec.alert,
            last_modified=MODIFIED_AT,
            sex_eligibility=spec.sex,
            is_public=spec.public,
            accepting_referrals=spec.accepting and spec.status == models.Service.Status.ACTIVE,
            provides_childcare=spec.childcare,
            provides_transport=spec.transport,
        )
        for code in spec.categories:
            rows.add(
                models.ServiceTerm,
                "service-term",
                f"{spec.key}:{code}",
                service_id=service_id,
                taxonomy_term_id=term_id(code),
                link_type="",
                value="",
                label="",
            )
        # Shelters get a place of their own; other services share their organization's office
        # in the district, as services of one agency do.
        location_key = spec.key if spec.confidential or spec.virtual else _office_key(spec)
        location_id = _add_location(rows, spec, organization, areas, key=location_key)
        rows.add(
            models.ServiceAtLocation,
            "service-at-location",
            spec.key,
            service_id=service_id,
            location_id=location_id,
            description="",
        )
        rows.add(
            models.ServiceArea,
            "service-area",
            spec.key,
            service_id=service_id,
            service_at_location_id=None,
            name=str(areas[country if spec.virtual else spec.district].name),
            description="",
            extent="",
            extent_type="",
            uri="",
            admin_area_id=areas[country if spec.virtual else spec.district].id,
        )
        for position, (days, opens, closes) in enumerate(HOURS[spec.hours]):
            rows.add(
                models.Schedule,
                "schedule",
                f"{spec.key}:{position}",
                service_id=service_id,
                freq="WEEKLY",
                interval=1,
                byday=days,
                opens_at=_time(opens),
                closes_at=_time(closes),
                timezone=UTC_OFFSET[country],
                wkst="MO",
                description="",
            )
        for code in _languages(spec):
            rows.add(
                models.Language,
                "language",
                f"{spec.key}:{code}",
                service_id=service_id,
                name=LANGUAGE_NAMES[code],
                code=code,
                note="",
            )
        rows.add(
            models.Phone,
            "phone",
            f"service:{spec.key}",
            service_id=service_id,
            number=f"+999 {1 if country == 'XA' else 2}00 {index:03d}0",
            type="voice",
            description="Intake line" if not spec.virtual else "Free helpline, day and night",
        )
        rows.add(
            models.Contact,
            "contact",
            spec.key,
            service_id=service_id,
            name="",  # a desk, not a person: the demo holds no personal data
            title="",
            department="Intake desk",
            email=f"intake@{spec.org.lower()}.{DEMO_DOMAIN}",
        )
        for position, document in enumerate(spec.documents):
            rows.add(
                models.RequiredDocument,
                "required-document",
                f"{spec.key}:{position}",
                service_id=service_id,
                document=document,
                uri="",
            )
        rows.add(
            models.Funding,
            "funding",
            spec.key,
            service_id=service_id,
            organization_id=organization.id,
            source="Common Fund for Recovery" if spec.funded_by_cfr and spec.org != "CFR" else "Own funds",
        )
        if spec.capacity is not None:
            available, maximum = spec.capacity
            rows.add(
                models.ServiceCapacity,
                "capacity",
                f"{spec.key}:places",
                service_id=service_id,
                unit_id=places.id,
                available=Decimal(available),
                maximum=Decimal(maximum),
                description="Places free today",
                updated=MODIFIED_AT,
            )
        if spec.waiting_days is not None:
            rows.add(
                models.ServiceCapacity,
                "capacity",
                f"{spec.key}:waiting",
                service_id=service_id,
                unit_id=waiting.id,
                available=Decimal(spec.waiting_days),
                maximum=None,
                description="Days until a first appointment",
                updated=MODIFIED_AT,
            )
    rows.write()
    # Written in bulk: the open-now openings and the matching facts follow (nothing is written when
    # they are right already).
    refresh_openings(rows.by_model[models.Service])
    refresh_facts(rows.by_model[models.Service])
    network["admin_areas"] = areas
    network["services"] = models.Service.objects.in_bulk([demo_id("service", spec.key) for spec in SERVICES])


def _eligibility(spec: Spec) -> str:
    who = {models.Sex.FEMALE: "Women and girls", models.Sex.MALE: "Men and boys"}.get(spec.sex, "Anyone")
    minimum, maximum = spec.ages
    if minimum is not None and maximum is not None:
        who += f" aged {minimum} to {maximum}"
    elif minimum is not None:
        who += f" aged {minimum} or over"
    elif maximum is not None:
        who += f" up to age {maximum}"
    return f"{who} affected by the conflict."
