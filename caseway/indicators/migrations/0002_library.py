"""The first version of the common indicator library (17 indicators).

The data lives here, not in a file the app reads, so that this migration always writes the same
rows: a changed definition is a new version, added by a later migration.
Each definition says exactly what is counted, in the words of the data Caseway holds.
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2026, 1, 1)
SOURCE = "Caseway common indicator library, version 1: computed from the data recorded in Caseway."
SOURCES = {
    "wellbeing_improved_who5": "WHO-5 Well-Being Index (Topp et al., Psychother Psychosom 2015): 10 points is significant.",
    "phq9_severity_reduced": "PHQ-9 severity bands (Kroenke & Spitzer, Psychiatric Annals 2002).",
    "risk_level_reduced": "Caseway risk assessment tool v1 (not a validated scale): its bands.",
}
PEOPLE = ["sex", "age_band", "disability", "admin1", "admin2", "displacement"]
EVERY = [*PEOPLE, "organization"]

LIBRARY = [
    {
        "code": "clients_served",
        "name": {
            "en": "Clients receiving at least one service",
            "fr": "Personnes ayant reçu au moins un service",
            "ar": "العملاء الذين تلقوا خدمة واحدة على الأقل",
            "es": "Personas que recibieron al menos un servicio",
        },
        "definition": {
            "en": "People with at least one appointment marked attended that started in the period, or a referral "
            "received by their case and closed in the period with the outcome 'service provided' or 'partly "
            "provided'. Each person counts once, however many services or organizations. Not broken down by "
            "organization (a person served by two would count twice).",
        },
        "unit": "count",
        "direction": "higher",
        "numerator": "clients_served",
        "denominator": "",
        "dimensions": PEOPLE,
        "hxl": "#reached +ind",
    },
    {
        "code": "referral_acceptance_rate",
        "name": {
            "en": "Referral acceptance rate",
            "fr": "Taux d'acceptation des orientations",
            "ar": "معدل قبول الإحالات",
            "es": "Tasa de aceptación de las derivaciones",
        },
        "definition": {
            "en": "Of the referrals first answered in the period (answered_at in the period), the share not declined. "
            "Counted for the receiving organization.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "referrals_accepted",
        "denominator": "referrals_answered",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +referrals +accepted",
    },
    {
        "code": "referral_days_to_service",
        "name": {
            "en": "Median days from referral to first service",
            "fr": "Délai médian entre l'orientation et le premier service (jours)",
            "ar": "الوسيط بالأيام من الإحالة إلى أول خدمة",
            "es": "Mediana de días entre la derivación y el primer servicio",
        },
        "definition": {
            "en": "For referrals whose first move to 'in service' (the receiver's status change, the closest "
            "record Caseway keeps of a first service) happened in the period: the median time from sending "
            "to that first move, in days. Counted for the receiving organization.",
        },
        "unit": "median_days",
        "direction": "lower",
        "numerator": "referral_days_to_service",
        "denominator": "",
        "dimensions": EVERY,
        "hxl": "#indicator +value +median +days +referrals",
    },
    {
        "code": "retention_90_days",
        "name": {
            "en": "Retention 90 days after intake",
            "fr": "Maintien du suivi 90 jours après l'accueil",
            "ar": "الاستمرار بعد 90 يوماً من الاستقبال",
            "es": "Permanencia 90 días después de la admisión",
        },
        "definition": {
            "en": "Of the cases whose 90th day after opening fell in the period (and has passed), the share still "
            "engaged: not closed before day 90, and whose last recorded contact (case last_contact_at) is on "
            "or after day 90.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "cases_retained",
        "denominator": "cases_retention_due",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +retained",
    },
    {
        "code": "goals_achieved",
        "name": {
            "en": "Case-plan goals achieved",
            "fr": "Objectifs des plans de prise en charge atteints",
            "ar": "أهداف خطط الحالات التي تحققت",
            "es": "Objetivos de los planes de caso alcanzados",
        },
        "definition": {
            "en": "Of the case-plan goals whose target date falls in the period, the share with the status "
            "'achieved' when computed (goals no longer pursued count as not achieved; goals without a target "
            "date are not counted).",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "goals_achieved",
        "denominator": "goals_due",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +goals +achieved",
    },
    {
        "code": "wellbeing_improved_who5",
        "name": {
            "en": "Wellbeing improved (WHO-5 up 10 points or more)",
            "fr": "Bien-être amélioré (WHO-5 en hausse d'au moins 10 points)",
            "ar": "تحسن الرفاه (ارتفاع WHO-5 بعشر نقاط أو أكثر)",
            "es": "Bienestar mejorado (WHO-5 sube 10 puntos o más)",
        },
        "definition": {
            "en": "Of the cases with a baseline WHO-5 and a follow-up WHO-5 recorded in the period, the share whose "
            "latest follow-up in the period is at least 10 percentage points above the first baseline.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "who5_improved",
        "denominator": "who5_followed_up",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +mhpss +who5",
    },
    {
        "code": "phq9_severity_reduced",
        "name": {
            "en": "Depression severity reduced (PHQ-9)",
            "fr": "Sévérité de la dépression réduite (PHQ-9)",
            "ar": "انخفاض شدة الاكتئاب (PHQ-9)",
            "es": "Gravedad de la depresión reducida (PHQ-9)",
        },
        "definition": {
            "en": "Of the cases whose first baseline PHQ-9 was above 'none–minimal' and with a follow-up PHQ-9 in "
            "the period, the share whose latest follow-up in the period is in a lower severity band "
            "(none–minimal < mild < moderate < moderately severe < severe).",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "phq9_reduced",
        "denominator": "phq9_followed_up",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +mhpss +phq9",
    },
    {
        "code": "risk_level_reduced",
        "name": {
            "en": "Risk level reduced",
            "fr": "Niveau de risque réduit",
            "ar": "انخفاض مستوى الخطر",
            "es": "Nivel de riesgo reducido",
        },
        "definition": {
            "en": "Of the cases whose first risk assessment was above 'low' and reassessed in the period (a later "
            "risk assessment recorded in the period), the share whose latest one in the period has a lower band "
            "(low < medium < high < imminent).",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "risk_reduced",
        "denominator": "risk_reassessed",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +protection +risk",
    },
    {
        "code": "employed_6_months_after_closure",
        "name": {
            "en": "Employed 6 months after closure",
            "fr": "En emploi 6 mois après la clôture",
            "ar": "العمل بعد 6 أشهر من إغلاق الحالة",
            "es": "Con empleo 6 meses después del cierre",
        },
        "definition": {
            "en": "Of the closed cases whose 182nd day after closure fell in the period (and has passed), the "
            "share with an 'employed' or 'business started' milestone reached by the end of the period. "
            "Caseway records no job loss: someone employed once counts as employed.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "employed_6_months_after_closure",
        "denominator": "closed_6_months_ago",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +livelihoods +employed +m6",
    },
    {
        "code": "employed_12_months_after_closure",
        "name": {
            "en": "Employed 12 months after closure",
            "fr": "En emploi 12 mois après la clôture",
            "ar": "العمل بعد 12 شهراً من إغلاق الحالة",
            "es": "Con empleo 12 meses después del cierre",
        },
        "definition": {
            "en": "Of the closed cases whose 365th day after closure fell in the period (and has passed), the "
            "share with an 'employed' or 'business started' milestone reached by the end of the period. "
            "Caseway records no job loss: someone employed once counts as employed.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "employed_12_months_after_closure",
        "denominator": "closed_12_months_ago",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +livelihoods +employed +m12",
    },
    {
        "code": "training_completion",
        "name": {
            "en": "Training completion",
            "fr": "Formations achevées",
            "ar": "إتمام التدريب",
            "es": "Formaciones completadas",
        },
        "definition": {
            "en": "Of the cases with an 'enrolled in training' milestone reached in the period, the share that also "
            "have a 'completed training' milestone (any date, as of the computation).",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "training_completed",
        "denominator": "training_enrolled",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +education +training",
    },
    {
        "code": "attendance_with_childcare",
        "name": {
            "en": "Appointments attended when childcare was provided",
            "fr": "Rendez-vous honorés avec garde d'enfants assurée",
            "ar": "المواعيد التي حُضرت مع توفير رعاية الأطفال",
            "es": "Citas a las que se asistió con cuidado infantil",
        },
        "definition": {
            "en": "Of the appointments in the period that needed childcare, had it provided, and ended attended or "
            "'did not come', the share attended. Compare with the same figure without childcare.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "appointments_childcare_provided_attended",
        "denominator": "appointments_childcare_provided",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +attended +childcare",
    },
    {
        "code": "attendance_without_childcare",
        "name": {
            "en": "Appointments attended when childcare was needed but not provided",
            "fr": "Rendez-vous honorés sans la garde d'enfants nécessaire",
            "ar": "المواعيد التي حُضرت دون توفير رعاية الأطفال اللازمة",
            "es": "Citas a las que se asistió sin el cuidado infantil necesario",
        },
        "definition": {
            "en": "Of the appointments in the period that needed childcare, did not have it provided, and ended "
            "attended or 'did not come', the share attended.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "appointments_childcare_missing_attended",
        "denominator": "appointments_childcare_missing",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +attended +nochildcare",
    },
    {
        "code": "legal_matter_median_days",
        "name": {
            "en": "Median duration of legal matters (days)",
            "fr": "Durée médiane des affaires juridiques (jours)",
            "ar": "المدة الوسيطة للقضايا القانونية (بالأيام)",
            "es": "Duración mediana de los asuntos jurídicos (días)",
        },
        "definition": {
            "en": "For legal matters now closed whose last move to the stage 'closed' was dated in the period: the "
            "median number of days from the day the matter was opened to that day. Counted for the lead "
            "organization.",
        },
        "unit": "median_days",
        "direction": "lower",
        "numerator": "legal_matter_days_to_close",
        "denominator": "",
        "dimensions": EVERY,
        "hxl": "#indicator +value +median +days +legal",
    },
    {
        "code": "remedies_obtained",
        "name": {
            "en": "Remedies obtained",
            "fr": "Réparations obtenues",
            "ar": "سبل الانتصاف التي تم الحصول عليها",
            "es": "Reparaciones obtenidas",
        },
        "definition": {
            "en": "Of the remedies sought in legal matters and decided in the period (status obtained or denied, "
            "decision date in the period), the share obtained. Counted for the matter's lead organization.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "remedies_obtained",
        "denominator": "remedies_decided",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +legal +remedies",
    },
    {
        "code": "deadlines_met",
        "name": {
            "en": "Legal deadlines met",
            "fr": "Délais de procédure respectés",
            "ar": "المواعيد القانونية التي تم الوفاء بها",
            "es": "Plazos procesales cumplidos",
        },
        "definition": {
            "en": "Of the legal deadlines due in the period that have passed or were marked met, the share marked "
            "met on or before their due day.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "deadlines_met",
        "denominator": "deadlines_due",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +legal +deadlines",
    },
    {
        "code": "referrals_answered_in_time",
        "name": {
            "en": "Referrals answered within their deadline",
            "fr": "Orientations traitées dans les délais",
            "ar": "الإحالات التي تمت الإجابة عليها في الموعد",
            "es": "Derivaciones respondidas dentro del plazo",
        },
        "definition": {
            "en": "Of the sent referrals with an answer deadline in the period that has passed or been answered, "
            "the share first answered by the deadline. Counted for the receiving organization.",
        },
        "unit": "percent",
        "direction": "higher",
        "numerator": "referrals_answered_in_time",
        "denominator": "referrals_due",
        "dimensions": EVERY,
        "hxl": "#indicator +value +pct +referrals +ontime",
    },
]


def add_library(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for entry in LIBRARY:
        Indicator.objects.get_or_create(
            code=entry["code"],
            version=1,
            defaults={
                **{key: value for key, value in entry.items() if key != "code"},
                "valid_from": VALID_FROM,
                "source": SOURCES.get(entry["code"], SOURCE),
            },
        )


def remove_library(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(version=1, code__in=[entry["code"] for entry in LIBRARY], snapshots=None).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(add_library, remove_library)]
