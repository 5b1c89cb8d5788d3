"""French, Arabic and Spanish for the definitions of the first library version (0002 shipped English only).

A translation says the same thing in another language, so it fills the existing rows rather than
adding a version: the snapshots computed with version 1 keep meaning exactly what they meant.
Status and milestone names are quoted as the interface shows them in each language, so a reader can
find them on the screens. Technical terms (WHO-5, PHQ-9, field names) and numbers stay as they are.
"""

from django.db import migrations

VERSION = 1

TRANSLATIONS = {
    "clients_served": {
        "fr": "Personnes ayant au moins un rendez-vous marqué comme honoré et commencé pendant la période, ou "
        "une orientation reçue pour leur dossier et clôturée pendant la période avec le résultat « service "
        "fourni » ou « service fourni en partie ». Chaque personne compte une seule fois, quel que soit le "
        "nombre de services ou d'organisations. Pas de ventilation par organisation (une personne servie "
        "par deux organisations serait comptée deux fois).",
        "ar": "الأشخاص الذين لديهم موعد واحد على الأقل بدأ خلال الفترة وسُجّل حضورهم فيه، أو إحالة استلمتها "
        "حالتهم وأُغلقت خلال الفترة بنتيجة «قُدّمت الخدمة» أو «قُدّمت الخدمة جزئياً». يُحتسب كل شخص مرة "
        "واحدة مهما كان عدد الخدمات أو المنظمات. لا يُصنَّف هذا المؤشر حسب المنظمة (لأن الشخص الذي "
        "تخدمه منظمتان سيُحتسب مرتين).",
        "es": "Personas con al menos una cita marcada como asistida que comenzó en el período, o una derivación "
        "recibida por su caso y cerrada en el período con el resultado «servicio prestado» o «servicio "
        "prestado en parte». Cada persona cuenta una sola vez, sin importar cuántos servicios u "
        "organizaciones. No se desglosa por organización (una persona atendida por dos organizaciones "
        "contaría dos veces).",
    },
    "referral_acceptance_rate": {
        "fr": "Parmi les orientations ayant reçu une première réponse pendant la période (answered_at dans la "
        "période), la part de celles qui n'ont pas été refusées. Comptées pour l'organisation qui reçoit "
        "l'orientation.",
        "ar": "من بين الإحالات التي تلقّت أول ردّ عليها خلال الفترة (answered_at ضمن الفترة)، نسبة الإحالات "
        "التي لم تُرفض. تُحتسب للمنظمة المستقبِلة للإحالة.",
        "es": "De las derivaciones respondidas por primera vez en el período (answered_at dentro del período), "
        "la proporción que no fue rechazada. Se cuentan para la organización que recibe la derivación.",
    },
    "referral_days_to_service": {
        "fr": "Pour les orientations dont le premier passage au statut « en cours de service » (le changement "
        "de statut fait par l'organisation destinataire, l'enregistrement le plus proche d'un premier "
        "service que Caseway conserve) a eu lieu pendant la période : le délai médian entre l'envoi et ce "
        "premier passage, en jours. Compté pour l'organisation qui reçoit l'orientation.",
        "ar": "للإحالات التي انتقلت لأول مرة إلى وضع «قيد الخدمة» خلال الفترة (وهو تغيير الوضع الذي تجريه "
        "المنظمة المستقبِلة، وأقرب سجلّ يحفظه Caseway لأول خدمة): الوسيط بالأيام للمدة من إرسال الإحالة "
        "إلى هذا الانتقال الأول. يُحتسب للمنظمة المستقبِلة للإحالة.",
        "es": "Para las derivaciones cuyo primer paso a «en servicio» (el cambio de estado que hace la "
        "organización receptora, el registro más cercano a un primer servicio que guarda Caseway) ocurrió "
        "en el período: la mediana del tiempo entre el envío y ese primer paso, en días. Se cuenta para la "
        "organización que recibe la derivación.",
    },
    "retention_90_days": {
        "fr": "Parmi les dossiers dont le 90e jour après l'ouverture tombe dans la période (et est déjà passé), "
        "la part encore suivie : dossier non clôturé avant le 90e jour et dont le dernier contact "
        "enregistré (last_contact_at du dossier) date du 90e jour ou d'après.",
        "ar": "من بين الحالات التي وقع اليوم 90 بعد فتحها ضمن الفترة (وقد مضى هذا اليوم)، نسبة الحالات التي "
        "ما زالت متابَعة: لم تُغلق قبل اليوم 90، وآخر تواصل مسجَّل معها (last_contact_at للحالة) في "
        "اليوم 90 أو بعده.",
        "es": "De los casos cuyo día 90 después de la apertura cayó en el período (y ya pasó), la proporción "
        "que sigue en seguimiento: no cerrados antes del día 90 y cuyo último contacto registrado "
        "(last_contact_at del caso) es del día 90 o posterior.",
    },
    "goals_achieved": {
        "fr": "Parmi les objectifs des plans de prise en charge dont la date cible tombe dans la période, la "
        "part ayant le statut « atteint » au moment du calcul (les objectifs qui ne sont plus poursuivis "
        "comptent comme non atteints ; les objectifs sans date cible ne sont pas comptés).",
        "ar": "من بين أهداف خطط الحالات التي يقع تاريخها المستهدف ضمن الفترة، نسبة الأهداف التي وضعها «تحقق» "
        "عند الحساب (تُحتسب الأهداف التي لم يعد يُعمل عليها على أنها لم تتحقق، ولا تُحتسب الأهداف التي "
        "ليس لها تاريخ مستهدف).",
        "es": "De los objetivos de los planes de caso cuya fecha prevista cae en el período, la proporción con "
        "el estado «logrado» en el momento del cálculo (los objetivos que ya no se persiguen cuentan como "
        "no logrados; los objetivos sin fecha prevista no se cuentan).",
    },
    "wellbeing_improved_who5": {
        "fr": "Parmi les dossiers ayant un WHO-5 de référence et un WHO-5 de suivi enregistré pendant la "
        "période, la part dont le dernier suivi de la période dépasse d'au moins 10 points de pourcentage "
        "le premier WHO-5 de référence.",
        "ar": "من بين الحالات التي لها قياس WHO-5 أساسي وقياس WHO-5 للمتابعة مسجَّل خلال الفترة، نسبة "
        "الحالات التي يزيد آخر قياس متابعة لها خلال الفترة بما لا يقل عن 10 نقاط مئوية على أول قياس "
        "أساسي.",
        "es": "De los casos con un WHO-5 de referencia y un WHO-5 de seguimiento registrado en el período, la "
        "proporción cuyo último seguimiento del período supera en al menos 10 puntos porcentuales al "
        "primer WHO-5 de referencia.",
    },
    "phq9_severity_reduced": {
        "fr": "Parmi les dossiers dont le premier PHQ-9 de référence était au-dessus de « absente à minimale » "
        "et ayant un PHQ-9 de suivi pendant la période, la part dont le dernier suivi de la période se "
        "situe dans une catégorie de sévérité inférieure (absente à minimale < légère < modérée < "
        "modérément sévère < sévère).",
        "ar": "من بين الحالات التي كان أول قياس PHQ-9 أساسي لها أعلى من فئة «لا يوجد اكتئاب أو اكتئاب طفيف "
        "جداً» ولها قياس PHQ-9 للمتابعة خلال الفترة، نسبة الحالات التي يقع آخر قياس متابعة لها خلال "
        "الفترة في فئة شدة أدنى (بالترتيب من الأخف إلى الأشد: لا يوجد أو طفيف جداً، خفيف، متوسط، متوسط "
        "إلى شديد، شديد).",
        "es": "De los casos cuyo primer PHQ-9 de referencia estaba por encima de «nula o mínima» y con un "
        "PHQ-9 de seguimiento en el período, la proporción cuyo último seguimiento del período está en una "
        "categoría de gravedad inferior (nula o mínima < leve < moderada < moderadamente grave < grave).",
    },
    "risk_level_reduced": {
        "fr": "Parmi les dossiers dont la première évaluation des risques était au-dessus de « faible » et "
        "réévalués pendant la période (une évaluation des risques ultérieure enregistrée pendant la "
        "période), la part dont la dernière évaluation de la période se situe à un niveau inférieur "
        "(faible < moyen < élevé < imminent).",
        "ar": "من بين الحالات التي كان أول تقييم للخطر فيها أعلى من «منخفض» وأُعيد تقييمها خلال الفترة "
        "(تقييم لاحق للخطر مسجَّل خلال الفترة)، نسبة الحالات التي يقع آخر تقييم لها خلال الفترة في "
        "مستوى أدنى (بالترتيب من الأدنى إلى الأعلى: منخفض، متوسط، مرتفع، وشيك).",
        "es": "De los casos cuya primera evaluación de riesgo estaba por encima de «bajo» y que fueron "
        "reevaluados en el período (una evaluación de riesgo posterior registrada en el período), la "
        "proporción cuya última evaluación del período está en un nivel inferior "
        "(bajo < medio < alto < inminente).",
    },
    "employed_6_months_after_closure": {
        "fr": "Parmi les dossiers clôturés dont le 182e jour après la clôture tombe dans la période (et est "
        "déjà passé), la part ayant une étape « en emploi » ou « activité lancée » atteinte au plus tard à "
        "la fin de la période. Caseway n'enregistre pas les pertes d'emploi : une personne qui a eu un "
        "emploi une fois compte comme en emploi.",
        "ar": "من بين الحالات المغلقة التي وقع اليوم 182 بعد إغلاقها ضمن الفترة (وقد مضى هذا اليوم)، نسبة "
        "الحالات التي بلغت مرحلة «الحصول على عمل» أو «بدء مشروع» بحلول نهاية الفترة. لا يسجّل Caseway "
        "فقدان العمل: من حصل على عمل مرة واحدة يُحتسب على أنه يعمل.",
        "es": "De los casos cerrados cuyo día 182 después del cierre cayó en el período (y ya pasó), la "
        "proporción con un hito «empleo conseguido» o «negocio iniciado» alcanzado a más tardar al final "
        "del período. Caseway no registra la pérdida del empleo: quien tuvo empleo una vez cuenta como "
        "empleado.",
    },
    "employed_12_months_after_closure": {
        "fr": "Parmi les dossiers clôturés dont le 365e jour après la clôture tombe dans la période (et est "
        "déjà passé), la part ayant une étape « en emploi » ou « activité lancée » atteinte au plus tard à "
        "la fin de la période. Caseway n'enregistre pas les pertes d'emploi : une personne qui a eu un "
        "emploi une fois compte comme en emploi.",
        "ar": "من بين الحالات المغلقة التي وقع اليوم 365 بعد إغلاقها ضمن الفترة (وقد مضى هذا اليوم)، نسبة "
        "الحالات التي بلغت مرحلة «الحصول على عمل» أو «بدء مشروع» بحلول نهاية الفترة. لا يسجّل Caseway "
        "فقدان العمل: من حصل على عمل مرة واحدة يُحتسب على أنه يعمل.",
        "es": "De los casos cerrados cuyo día 365 después del cierre cayó en el período (y ya pasó), la "
        "proporción con un hito «empleo conseguido» o «negocio iniciado» alcanzado a más tardar al final "
        "del período. Caseway no registra la pérdida del empleo: quien tuvo empleo una vez cuenta como "
        "empleado.",
    },
    "training_completion": {
        "fr": "Parmi les dossiers ayant atteint une étape « inscription à une formation » pendant la période, "
        "la part ayant aussi une étape « formation terminée » (à n'importe quelle date, au moment du "
        "calcul).",
        "ar": "من بين الحالات التي بلغت مرحلة «التسجيل في تدريب» خلال الفترة، نسبة الحالات التي لديها أيضاً "
        "مرحلة «إكمال التدريب» (بأي تاريخ، حتى وقت الحساب).",
        "es": "De los casos con un hito «inscripción en una formación» alcanzado en el período, la proporción "
        "que también tiene un hito «formación completada» (en cualquier fecha, en el momento del cálculo).",
    },
    "attendance_with_childcare": {
        "fr": "Parmi les rendez-vous de la période qui nécessitaient une garde d'enfants, l'ont eue et se sont "
        "terminés avec le statut « présent » ou « absent », la part où la personne était présente. À "
        "comparer avec le même chiffre sans garde d'enfants.",
        "ar": "من بين مواعيد الفترة التي احتاجت إلى رعاية الأطفال ووُفِّرت لها، وانتهت بوضع «حضر» أو «لم "
        "يحضر»، نسبة المواعيد التي تم حضورها. قارن ذلك بالرقم نفسه دون رعاية الأطفال.",
        "es": "De las citas del período que necesitaban cuidado infantil, lo tuvieron y terminaron como "
        "«asistió» o «no vino», la proporción a la que se asistió. Compárese con la misma cifra sin "
        "cuidado infantil.",
    },
    "attendance_without_childcare": {
        "fr": "Parmi les rendez-vous de la période qui nécessitaient une garde d'enfants, ne l'ont pas eue et "
        "se sont terminés avec le statut « présent » ou « absent », la part où la personne était présente.",
        "ar": "من بين مواعيد الفترة التي احتاجت إلى رعاية الأطفال ولم تُوفَّر لها، وانتهت بوضع «حضر» أو «لم "
        "يحضر»، نسبة المواعيد التي تم حضورها.",
        "es": "De las citas del período que necesitaban cuidado infantil, no lo tuvieron y terminaron como "
        "«asistió» o «no vino», la proporción a la que se asistió.",
    },
    "legal_matter_median_days": {
        "fr": "Pour les affaires juridiques aujourd'hui closes dont le dernier passage à l'étape « clos » est "
        "daté de la période : le nombre médian de jours entre le jour d'ouverture de l'affaire et ce "
        "jour-là. Comptées pour l'organisation chef de file.",
        "ar": "للقضايا القانونية المغلقة حالياً التي يقع تاريخ آخر انتقال لها إلى مرحلة «مغلقة» ضمن الفترة: "
        "الوسيط لعدد الأيام من يوم فتح القضية إلى ذلك اليوم. تُحتسب للمنظمة الرئيسية المسؤولة عن القضية.",
        "es": "Para los asuntos jurídicos ya cerrados cuyo último paso a la etapa «cerrado» tiene fecha dentro "
        "del período: la mediana del número de días desde el día en que se abrió el asunto hasta ese día. "
        "Se cuentan para la organización principal del asunto.",
    },
    "remedies_obtained": {
        "fr": "Parmi les réparations demandées dans des affaires juridiques et décidées pendant la période "
        "(statut « obtenue » ou « refusée », date de décision dans la période), la part obtenue. Comptées "
        "pour l'organisation chef de file de l'affaire.",
        "ar": "من بين سبل الانتصاف المطلوبة في القضايا القانونية التي صدر قرار بشأنها خلال الفترة (بوضع «تم "
        "الحصول عليه» أو «مرفوض»، وتاريخ القرار ضمن الفترة)، نسبة ما تم الحصول عليه. تُحتسب للمنظمة "
        "الرئيسية المسؤولة عن القضية.",
        "es": "De las reparaciones solicitadas en asuntos jurídicos y decididas en el período (estado "
        "«obtenida» o «denegada», fecha de decisión dentro del período), la proporción obtenida. Se cuentan "
        "para la organización principal del asunto.",
    },
    "deadlines_met": {
        "fr": "Parmi les délais de procédure arrivant à échéance pendant la période qui sont passés ou ont été "
        "marqués comme respectés, la part marquée comme respectée au plus tard le jour de l'échéance.",
        "ar": "من بين المواعيد القانونية المستحقة خلال الفترة التي انقضت أو سُجّل أنه تم الوفاء بها، نسبة "
        "المواعيد التي سُجّل أنه تم الوفاء بها في يوم استحقاقها أو قبله.",
        "es": "De los plazos procesales que vencen en el período y que ya pasaron o se marcaron como cumplidos, "
        "la proporción marcada como cumplida a más tardar el día de su vencimiento.",
    },
    "referrals_answered_in_time": {
        "fr": "Parmi les orientations envoyées dont le délai de réponse tombe dans la période et qui sont soit "
        "arrivées à ce délai, soit déjà traitées, la part ayant reçu une première réponse au plus tard à "
        "l'échéance. Comptées pour l'organisation qui reçoit l'orientation.",
        "ar": "من بين الإحالات المُرسلة التي يقع موعد الرد عليها ضمن الفترة، وقد انقضى هذا الموعد أو تمت "
        "الإجابة عليها، نسبة الإحالات التي تلقّت أول ردّ بحلول الموعد. تُحتسب للمنظمة المستقبِلة للإحالة.",
        "es": "De las derivaciones enviadas con un plazo de respuesta dentro del período, ya vencido o ya "
        "respondidas, la proporción respondida por primera vez dentro del plazo. Se cuentan para la "
        "organización que recibe la derivación.",
    },
}


def add_translations(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.filter(version=VERSION, code__in=list(TRANSLATIONS)):
        definition = dict(indicator.definition or {})
        # A translation someone already entered (by hand, on a live site) is kept, not overwritten.
        missing = {lang: text for lang, text in TRANSLATIONS[indicator.code].items() if not definition.get(lang)}
        if missing:
            indicator.definition = {**definition, **missing}
            indicator.save(update_fields=["definition"])


def remove_translations(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.filter(version=VERSION, code__in=list(TRANSLATIONS)):
        ours = TRANSLATIONS[indicator.code]
        definition = dict(indicator.definition or {})
        kept = {lang: text for lang, text in definition.items() if ours.get(lang) != text}
        if kept != definition:
            indicator.definition = kept
            indicator.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_funded_organizations")]

    operations = [migrations.RunPython(add_translations, remove_translations)]
