"""Report text and number formats in English and Spanish.

The catalog is data (:data:`MESSAGES`, :data:`CHANNEL_LABELS`, :data:`EVENT_LABELS`): a deployment
may add keys, labels or a language by updating the dicts (and :data:`SUPPORTED_LANGUAGES`). Spanish
formats numbers as Spanish readers expect: ``1.234,5``, ``62,0 %``, ``1.234 €`` (with non-breaking
spaces, so a table cell never wraps before the sign).

Examples
--------
>>> t("overview.title", "es")
'Resumen de los datos'
>>> channel_label("store", "es")
'Tienda'
>>> format_number(1234.5, "es", digits=1)
'1.234,5'
"""

from __future__ import annotations

import math

from omniseg.errors import ParameterError

__all__ = [
    "CHANNEL_LABELS",
    "EVENT_LABELS",
    "MESSAGES",
    "SUPPORTED_LANGUAGES",
    "channel_label",
    "check_language",
    "currency_symbol",
    "event_label",
    "format_money",
    "format_number",
    "format_percent",
    "set_currency",
    "t",
    "translate_loader_warning",
]

#: Languages the report can be written in.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "es")

#: Message key -> language -> text (``str.format`` fields in braces).
MESSAGES: dict[str, dict[str, str]] = {
    "report.title": {"en": "Omnichannel customer report", "es": "Informe omnicanal de clientes"},
    "report.toc": {"en": "Contents", "es": "Contenido"},
    "report.run": {"en": "Run: {run}", "es": "Ejecución: {run}"},
    "report.period": {"en": "Data from {start} to {end}", "es": "Datos del {start} al {end}"},
    "overview.title": {"en": "Data overview", "es": "Resumen de los datos"},
    "overview.lead": {
        "en": "What the data holds before any modelling: every channel's activity, how it "
        "changes over time, and how fragmented customer identities are across channels.",
        "es": "Qué contienen los datos antes de cualquier modelo: la actividad de cada canal, "
        "su evolución en el tiempo y cuán fragmentadas están las identidades de los clientes "
        "entre canales.",
    },
    "overview.channels": {"en": "Channels at a glance", "es": "Los canales de un vistazo"},
    "overview.channels_lead": {
        "en": "Interactions, people reached (distinct identifiers, before identity resolution), "
        "purchases and revenue per channel.",
        "es": "Interacciones, personas alcanzadas (identificadores distintos, antes de unificar "
        "identidades), compras e ingresos por canal.",
    },
    "overview.monthly": {"en": "Monthly activity by channel", "es": "Actividad mensual por canal"},
    "overview.monthly_lead": {
        "en": "Interactions per month and channel: seasonality and the weight of each channel "
        "over time.",
        "es": "Interacciones por mes y canal: estacionalidad y peso de cada canal en el tiempo.",
    },
    "overview.identity": {"en": "Fragmented identities", "es": "Identidades fragmentadas"},
    "overview.identity_lead": {
        "en": "Each channel knows a customer by a different identifier. Only {linked} of "
        "interactions can be tied to a CRM customer directly; {anonymous} carry no identifier "
        "at all. There are {ratio} distinct identifiers per CRM customer: linking them is the "
        "job of identity resolution.",
        "es": "Cada canal conoce al cliente por un identificador distinto. Solo el {linked} de "
        "las interacciones se puede atribuir directamente a un cliente del CRM; el {anonymous} "
        "no lleva ningún identificador. Hay {ratio} identificadores distintos por cliente del "
        "CRM: unificarlos es tarea de la resolución de identidades.",
    },
    "identity.title": {"en": "One view of each customer", "es": "Una visión única de cada cliente"},
    "identity.lead": {
        "en": "Identity resolution links each person's identifiers across channels. "
        "{identifiers} distinct identifiers resolve to {persons} persons "
        "({per_person} per person); {matched} of interactions are now tied to a CRM customer "
        "(directly: {direct}). {shared} shared identifiers (a shop's generic email, family "
        "phones) were not used as links, so they merge nobody.",
        "es": "La resolución de identidades une los identificadores de cada persona entre "
        "canales. {identifiers} identificadores distintos se resuelven en {persons} personas "
        "({per_person} por persona); el {matched} de las interacciones queda ligado a un "
        "cliente del CRM (directamente: {direct}). {shared} identificadores compartidos (el "
        "correo genérico de una tienda, teléfonos familiares) no se usaron como vínculo, así "
        "que no fusionan a nadie.",
    },
    "fig.match_rates": {
        "en": "Interactions tied to a CRM customer, by channel",
        "es": "Interacciones ligadas a un cliente del CRM, por canal",
    },
    "col.matched_share": {"en": "Tied to a CRM customer", "es": "Ligadas a un cliente del CRM"},
    "col.kind": {"en": "Identifier", "es": "Identificador"},
    "col.masked": {"en": "Value (masked)", "es": "Valor (enmascarado)"},
    "col.n_customers": {"en": "Customers it points to", "es": "Clientes a los que apunta"},
    "omni.title": {"en": "Omnichannel customers", "es": "Clientes omnicanal"},
    "omni.lead": {
        "en": "{multi_share} of customers seen use more than one channel. On average they are "
        "worth {ratio}× a single-channel customer ({level} interval: {low}–{high}×).",
        "es": "El {multi_share} de los clientes vistos usa más de un canal. De media valen "
        "{ratio} veces lo que un cliente de un solo canal (intervalo del {level}: {low}–{high}).",
    },
    "omni.single": {"en": "Single-channel", "es": "Un solo canal"},
    "omni.multi": {"en": "Multi-channel", "es": "Varios canales"},
    "omni.value_axis": {"en": "Revenue per customer", "es": "Ingresos por cliente"},
    "omni.share_of_customers": {"en": "{share} of customers", "es": "{share} de los clientes"},
    "omni.overlap_lead": {
        "en": "Which channels are used together: each row's users, and the share of them who "
        "also use each column's channel.",
        "es": "Qué canales se usan juntos: los usuarios de cada fila y qué parte de ellos usa "
        "también el canal de cada columna.",
    },
    "omni.overlap_hover": {
        "en": "%{z:.0%} of %{y} users also use %{x}",
        "es": "El %{z:.0%} de los usuarios de %{y} usa también %{x}",
    },
    "fig.multichannel": {
        "en": "Revenue per customer: single- vs multi-channel",
        "es": "Ingresos por cliente: un canal frente a varios",
    },
    "fig.overlap": {"en": "Channel overlap", "es": "Solapamiento entre canales"},
    "overview.quality": {"en": "Data quality", "es": "Calidad de los datos"},
    "overview.no_warnings": {
        "en": "No data-quality warnings.",
        "es": "Sin avisos de calidad de datos.",
    },
    "col.metric": {"en": "Metric", "es": "Indicador"},
    "col.value": {"en": "Value", "es": "Valor"},
    "col.channel": {"en": "Channel", "es": "Canal"},
    "col.interactions": {"en": "Interactions", "es": "Interacciones"},
    "col.share": {"en": "Share of interactions", "es": "Cuota de interacciones"},
    "col.people": {"en": "People reached", "es": "Personas alcanzadas"},
    "col.purchases": {"en": "Purchases", "es": "Compras"},
    "col.revenue": {"en": "Revenue", "es": "Ingresos"},
    "col.revenue_share": {"en": "Share of revenue", "es": "Cuota de ingresos"},
    "col.conversion": {
        "en": "Purchases per 100 interactions",
        "es": "Compras por 100 interacciones",
    },
    "col.complaints": {"en": "Complaints", "es": "Quejas"},
    "col.satisfaction": {"en": "Mean satisfaction (1-5)", "es": "Satisfacción media (1-5)"},
    "col.identifier": {"en": "Identifier", "es": "Identificador"},
    "col.rows": {"en": "Rows carrying it", "es": "Filas que lo llevan"},
    "col.distinct_raw": {"en": "Distinct as written", "es": "Distintos tal cual"},
    "col.distinct_clean": {"en": "Distinct after cleaning", "es": "Distintos tras limpiar"},
    "col.matched": {"en": "Matching a CRM customer", "es": "Coinciden con el CRM"},
    "col.month": {"en": "Month", "es": "Mes"},
    "kpi.customers": {"en": "Customers in the CRM", "es": "Clientes en el CRM"},
    "kpi.interactions": {"en": "Interactions", "es": "Interacciones"},
    "kpi.period": {"en": "Period", "es": "Periodo"},
    "kpi.months": {"en": "Months covered", "es": "Meses cubiertos"},
    "kpi.orders": {"en": "Orders", "es": "Pedidos"},
    "kpi.order_lines": {
        "en": "Order lines (purchase rows)",
        "es": "Líneas de pedido (filas de compra)",
    },
    "kpi.purchases": {"en": "Purchases", "es": "Compras"},
    "kpi.revenue": {"en": "Revenue", "es": "Ingresos"},
    "kpi.anonymous": {"en": "Anonymous interactions", "es": "Interacciones anónimas"},
    "kpi.channels": {"en": "Channels used", "es": "Canales usados"},
    "kpi.survey": {"en": "Survey respondents", "es": "Encuestados"},
    "kpi.interviews": {"en": "Interviews", "es": "Entrevistas"},
    "id.customer_id": {"en": "Customer id", "es": "Id. de cliente"},
    "id.email": {"en": "Email", "es": "Correo electrónico"},
    "id.phone": {"en": "Phone", "es": "Teléfono"},
    "id.loyalty_id": {"en": "Loyalty card", "es": "Tarjeta de fidelización"},
    "id.device_id": {"en": "App device", "es": "Dispositivo de la app"},
    "fig.channels": {"en": "Channels at a glance", "es": "Los canales de un vistazo"},
    "fig.monthly": {"en": "Interactions per month", "es": "Interacciones por mes"},
    "fig.identity": {
        "en": "Identifiers: as written, after cleaning, matching the CRM",
        "es": "Identificadores: tal cual, tras limpiar, coincidentes con el CRM",
    },
    "warn.sparse_channel": {
        "en": "Channel '{channel}' has only {share} of interactions: its figures are fragile.",
        "es": "El canal '{channel}' solo tiene el {share} de las interacciones: sus cifras son "
        "frágiles.",
    },
    "warn.gap": {
        "en": "Channel '{channel}' has no interactions in {months} while active in other months "
        "(a missing export?).",
        "es": "El canal '{channel}' no tiene interacciones en {months} aunque está activo en otros "
        "meses (¿falta una exportación?).",
    },
    # segment profiling (omniseg.segments.profiling)
    "profile.title": {"en": "Segment profile", "es": "Perfil de los segmentos"},
    "profile.feature": {"en": "Feature", "es": "Variable"},
    "profile.everyone": {"en": "Everyone", "es": "Todos"},
    "profile.test": {"en": "Test across segments", "es": "Contraste entre segmentos"},
    "profile.size": {"en": "n = {n}", "es": "n = {n}"},
    "profile.not_tested": {"en": "not tested", "es": "sin contraste"},
    "profile.mean_of": {"en": "{feature} (mean)", "es": "{feature} (media)"},
    "profile.trait_mean": {
        "en": "Mean {feature} {value} vs {rest} for everyone else",
        "es": "Media de {feature}: {value} frente a {rest} del resto",
    },
    "profile.trait_share": {
        "en": "{label}: {value} vs {rest} for everyone else",
        "es": "{label}: {value} frente a {rest} del resto",
    },
    "profile.trait_index": {"en": " (index {index})", "es": " (índice {index})"},
    "profile.trait_d": {
        "en": " (standardized difference {d})",
        "es": " (diferencia estandarizada {d})",
    },
    "profile.p_adjusted": {"en": "adjusted p {p}", "es": "p ajustado {p}"},
    "profile.legend": {
        "en": "Each cell shows the index: 100 is the average of everyone, 150 is 1.5 times it. "
        "The colour is the standardized difference against everyone else: blue above, red "
        "below, deeper is larger. Hover over a cell for the numbers.",
        "es": "Cada celda muestra el índice: 100 es la media de todos, 150 es 1,5 veces esa "
        "media. El color es la diferencia estandarizada frente al resto: azul por encima, rojo "
        "por debajo, más intenso cuanto mayor. Pase el ratón por una celda para ver las cifras.",
    },
    "profile.legend_sig": {
        "en": "Bold: significant at {alpha} after {correction} correction.",
        "es": "En negrita: significativo al {alpha} tras la corrección de {correction}.",
    },
    "profile.legend_sig_none": {
        "en": "Bold: significant at {alpha} (no multiple-testing correction).",
        "es": "En negrita: significativo al {alpha} (sin corrección por comparaciones múltiples).",
    },
    "profile.legend_no_index": {
        "en": "Features with negative values have no index: their cells show the mean.",
        "es": "Las variables con valores negativos no tienen índice: sus celdas muestran la media.",
    },
    "profile.note_unlabelled": {
        "en": "{n} customers without a segment were left out.",
        "es": "Se dejaron fuera {n} clientes sin segmento.",
    },
    "profile.note_small": {
        "en": "Segments with fewer than {min_size} customers are shown, not tested: {segments}.",
        "es": "Los segmentos con menos de {min_size} clientes se muestran pero no se contrastan: "
        "{segments}.",
    },
    "profile.note_constant": {
        "en": "Same value for everyone, left out: {features}.",
        "es": "Mismo valor para todos, se dejan fuera: {features}.",
    },
    "profile.note_missing": {
        "en": "No values at all, left out: {features}.",
        "es": "Sin ningún valor, se dejan fuera: {features}.",
    },
    "profile.note_levels": {
        "en": "More than {max_levels} categories, left out: {features}.",
        "es": "Más de {max_levels} categorías, se dejan fuera: {features}.",
    },
    "profile.note_unsupported": {
        "en": "Dates and other unsupported types, left out: {features}.",
        "es": "Fechas y otros tipos no admitidos, se dejan fuera: {features}.",
    },
    "profile.note_untested": {
        "en": "Fewer than two segments with {min_size} values or more, not tested: {features}.",
        "es": "Menos de dos segmentos con {min_size} valores o más, sin contraste: {features}.",
    },
    "profile.fig_index": {
        "en": "Segment profile: index (100 = everyone)",
        "es": "Perfil de los segmentos: índice (100 = todos)",
    },
    "profile.fig_std_diff": {
        "en": "Segment profile: standardized difference against everyone else",
        "es": "Perfil de los segmentos: diferencia estandarizada frente al resto",
    },
    # typing tool (omniseg.segments.typing_tool)
    "typing.title": {"en": "Typing tool", "es": "Herramienta de tipificación"},
    "typing.rule": {
        "en": "If {conditions} → {segment} ({share} of {n} customers)",
        "es": "Si {conditions} → {segment} ({share} de {n} clientes)",
    },
    "typing.rule_all": {
        "en": "Everyone → {segment} ({share} of {n} customers)",
        "es": "Todos → {segment} ({share} de {n} clientes)",
    },
    "typing.and": {"en": " and ", "es": " y "},
    "typing.nor": {"en": " or ", "es": " ni "},
    "typing.le": {"en": "{label} is {value} or less", "es": "{label} es {value} o menos"},
    "typing.ge": {"en": "{label} is {value} or more", "es": "{label} es {value} o más"},
    "typing.gt": {"en": "{label} is more than {value}", "es": "{label} es mayor que {value}"},
    "typing.eq": {"en": "{label} is {value}", "es": "{label} es {value}"},
    "typing.between": {
        "en": "{label} is between {low} and {high}",
        "es": "{label} está entre {low} y {high}",
    },
    "typing.range": {
        "en": "{label} is more than {low} and at most {high}",
        "es": "{label} es mayor que {low} y como mucho {high}",
    },
    "typing.or_unknown": {"en": "{clause} (or unknown)", "es": "{clause} (o se desconoce)"},
    "typing.is": {"en": "{label} is {value}", "es": "{label} es {value}"},
    "typing.is_not": {"en": "{label} is not {values}", "es": "{label} no es {values}"},
    "typing.no_channel": {"en": "none (no interactions)", "es": "ninguno (sin interacciones)"},
    "typing.logit_both": {
        "en": "{segment}: more likely {up}; less likely {down}",
        "es": "{segment}: más probable {up}; menos probable {down}",
    },
    "typing.logit_up": {"en": "{segment}: more likely {up}", "es": "{segment}: más probable {up}"},
    "typing.logit_down": {
        "en": "{segment}: less likely {down}",
        "es": "{segment}: menos probable {down}",
    },
    "typing.logit_none": {
        "en": "{segment}: no answer moves the odds much",
        "es": "{segment}: ninguna respuesta cambia mucho la probabilidad",
    },
    "typing.higher": {"en": "when {label} is higher", "es": "cuanto mayor es {label}"},
    "typing.lower": {"en": "when {label} is lower", "es": "cuanto menor es {label}"},
    "typing.when_is": {"en": "when {label} is {value}", "es": "si {label} es {value}"},
    "typing.accuracy": {
        "en": "Cross-validated accuracy: {accuracy} (± {std} over {cv} folds), against {baseline} "
        "by always choosing the largest segment. Fitted on {n} customers.",
        "es": "Acierto con validación cruzada: {accuracy} (± {std} en {cv} particiones), frente "
        "al {baseline} de elegir siempre el segmento más grande. Ajustado con {n} clientes.",
    },
    "typing.model.tree": {
        "en": "Decision tree (at most {depth} questions deep)",
        "es": "Árbol de decisión (como mucho {depth} preguntas de profundidad)",
    },
    "typing.model.logistic": {"en": "Logistic regression", "es": "Regresión logística"},
    "typing.unassigned": {
        "en": "Never assigned: {segments}. Ask more questions or allow a deeper tree to tell "
        "them apart.",
        "es": "Nunca asignados: {segments}. Haga más preguntas o permita un árbol más profundo "
        "para distinguirlos.",
    },
    "typing.unassigned_why": {
        "en": "Cannot place {segment}: its customers answer these questions like those of "
        "{other}, so the questions do not tell them apart.",
        "es": "No puede asignar {segment}: sus clientes responden a estas preguntas como los de "
        "{other}, así que las preguntas no los distinguen.",
    },
    "typing.skipped": {
        "en": "Not asked (every customer answers it the same): {questions}.",
        "es": "No se pregunta (todos los clientes responden lo mismo): {questions}.",
    },
    "typing.unavailable": {
        "en": "Not asked (the data cannot answer it): {questions}.",
        "es": "No se pregunta (los datos no permiten responderla): {questions}.",
    },
    "typing.no_questions": {
        "en": "None of the questions varies in this data: everyone is placed in the largest "
        "segment.",
        "es": "Ninguna de las preguntas varía en estos datos: todos van al segmento más grande.",
    },
    "typing.questions": {"en": "Questions to ask", "es": "Preguntas que hacer"},
    "typing.rules": {"en": "Rules", "es": "Reglas"},
    # drift between runs (omniseg.segments.drift)
    "drift.title": {
        "en": "Segment drift between runs",
        "es": "Deriva de los segmentos entre ejecuciones",
    },
    "drift.verdict.refit": {
        "en": "Refit the segmentation model: the new data has drifted from the data it was "
        "fitted on.",
        "es": "Conviene reentrenar el modelo de segmentación: los datos nuevos se han alejado de "
        "los datos con los que se ajustó.",
    },
    "drift.verdict.stable": {
        "en": "No refit needed: segment sizes, migration between segments and key features are "
        "within their limits.",
        "es": "No hace falta reentrenar: el tamaño de los segmentos, la migración entre segmentos "
        "y las variables clave están dentro de sus límites.",
    },
    "drift.summary": {
        "en": "{n_before} customers in the previous run, {n_after} in this one; of the "
        "{n_common} in both, {stability} kept their segment. New customers: {n_new}; gone: "
        "{n_gone}.",
        "es": "{n_before} clientes en la ejecución anterior y {n_after} en esta; de los "
        "{n_common} presentes en ambas, el {stability} conserva su segmento. Clientes nuevos: "
        "{n_new}; bajas: {n_gone}.",
    },
    "drift.reasons": {"en": "Why", "es": "Motivos"},
    "drift.reason.grew": {
        "en": "Segment {segment} grew from {before} to {after} ({change}; limit ±{limit}).",
        "es": "El segmento {segment} creció del {before} al {after} ({change}; límite ±{limit}).",
    },
    "drift.reason.shrank": {
        "en": "Segment {segment} shrank from {before} to {after} ({change}; limit ±{limit}).",
        "es": "El segmento {segment} se redujo del {before} al {after} ({change}; límite "
        "±{limit}).",
    },
    "drift.reason.migration": {
        "en": "{moved} of the customers in both runs changed segment ({n_moved} of {n_common}; "
        "limit {limit}).",
        "es": "El {moved} de los clientes presentes en ambas ejecuciones cambió de segmento "
        "({n_moved} de {n_common}; límite {limit}).",
    },
    "drift.reason.psi": {
        "en": "The distribution of '{feature}' shifted: PSI {psi}, a {level} shift (limit "
        "{limit}).",
        "es": "La distribución de '{feature}' cambió: PSI {psi}, un cambio {level} (límite "
        "{limit}).",
    },
    "drift.reason.psi_more": {
        "en": "{n} more feature(s) have a PSI above {limit}: {features}.",
        "es": "{n} variable(s) más tienen un PSI por encima de {limit}: {features}.",
    },
    "drift.level.stable": {"en": "stable", "es": "estable"},
    "drift.level.moderate": {"en": "moderate", "es": "moderado"},
    "drift.level.major": {"en": "major", "es": "importante"},
    "drift.pp": {"en": "pp", "es": "p.\u00a0p."},
    "drift.new": {"en": "(new)", "es": "(nuevos)"},
    "drift.gone": {"en": "(gone)", "es": "(bajas)"},
    "drift.before": {"en": "Before", "es": "Antes"},
    "drift.after": {"en": "After", "es": "Después"},
    "drift.sizes_title": {"en": "Segment sizes", "es": "Tamaño de los segmentos"},
    "drift.psi_title": {
        "en": "Population stability index (PSI) of key features",
        "es": "Índice de estabilidad poblacional (PSI) de las variables clave",
    },
    "drift.no_psi": {
        "en": "No feature tables were given: the PSI was not computed.",
        "es": "No se dieron tablas de variables: no se calculó el PSI.",
    },
    "drift.col.segment": {"en": "Segment", "es": "Segmento"},
    "drift.col.n_before": {"en": "Customers before", "es": "Clientes antes"},
    "drift.col.n_after": {"en": "Customers after", "es": "Clientes después"},
    "drift.col.share_before": {"en": "Share before", "es": "Cuota antes"},
    "drift.col.share_after": {"en": "Share after", "es": "Cuota después"},
    "drift.col.change": {"en": "Change", "es": "Cambio"},
    "drift.col.feature": {"en": "Feature", "es": "Variable"},
    "drift.col.psi": {"en": "PSI", "es": "PSI"},
    "drift.col.level": {"en": "Shift", "es": "Cambio"},
    "drift.fig.sizes": {
        "en": "Segment sizes: previous run and this run",
        "es": "Tamaño de los segmentos: ejecución anterior y actual",
    },
    "drift.fig.migration": {
        "en": "Where each segment's customers went",
        "es": "Adónde fueron los clientes de cada segmento",
    },
    "drift.share_axis": {"en": "Share of customers", "es": "Cuota de clientes"},
    "drift.axis.before": {
        "en": "Segment in the previous run",
        "es": "Segmento en la ejecución anterior",
    },
    "drift.axis.after": {"en": "Segment in this run", "es": "Segmento en esta ejecución"},
    "drift.migration_hover": {
        "en": "%{z:.1%} of %{y} went to %{x}",
        "es": "El %{z:.1%} de %{y} pasó a %{x}",
    },
    # what the data cannot answer (omniseg.ingest.data_limits)
    "limits.title": {
        "en": "What the data cannot answer",
        "es": "Lo que los datos no permiten responder",
    },
    "limits.lead": {
        "en": "Sections that need something these data do not hold say so here, once, instead of "
        "showing empty or meaningless figures.",
        "es": "Las secciones que necesitan algo que estos datos no tienen lo dicen aquí, una vez, "
        "en lugar de mostrar cifras vacías o sin sentido.",
    },
    "limits.none": {
        "en": "Nothing: every section of the report applies to these data.",
        "es": "Nada: todas las secciones del informe se aplican a estos datos.",
    },
    "limits.na.identity.customer_id_everywhere": {
        "en": "Linking identities across channels is not needed: every identified interaction "
        "already carries a customer_id.",
        "es": "No hace falta vincular identidades entre canales: cada interacción identificada ya "
        "lleva un customer_id.",
    },
    "limits.na.omnichannel.one_channel": {
        "en": "Omnichannel comparisons (multi- vs single-channel customers, channel overlap, "
        "gaps between channels) do not apply: the data has one channel.",
        "es": "Las comparaciones omnicanal (clientes multicanal frente a monocanal, solapamiento "
        "y brechas entre canales) no aplican: los datos tienen un solo canal.",
    },
    "limits.na.omnichannel.no_channels": {
        "en": "Omnichannel comparisons do not apply: the data has no interactions by channel.",
        "es": "Las comparaciones omnicanal no aplican: los datos no tienen interacciones por "
        "canal.",
    },
    "limits.na.attribution.one_channel": {
        "en": "Attribution of purchases to channels does not apply: with one channel every "
        "purchase comes from it.",
        "es": "La atribución de compras a canales no aplica: con un solo canal todas las compras "
        "vienen de él.",
    },
    "limits.na.attribution.no_channels": {
        "en": "Attribution of purchases to channels does not apply: there are no channels.",
        "es": "La atribución de compras a canales no aplica: no hay canales.",
    },
    "limits.na.attribution.no_purchases": {
        "en": "Attribution of purchases to channels does not apply: the data has no purchases.",
        "es": "La atribución de compras a canales no aplica: los datos no tienen compras.",
    },
    "limits.na.journeys.one_channel": {
        "en": "Journeys between channels do not apply: customers cannot move between channels "
        "when there is only one.",
        "es": "Los recorridos entre canales no aplican: los clientes no pueden pasar de un canal "
        "a otro cuando solo hay uno.",
    },
    "limits.na.journeys.no_channels": {
        "en": "Journeys between channels do not apply: there are no channels.",
        "es": "Los recorridos entre canales no aplican: no hay canales.",
    },
    "limits.na.value.no_revenue": {
        "en": "Value figures (revenue, average order, revenue per customer) are not available: "
        "the purchases carry no revenue.",
        "es": "Las cifras de valor (ingresos, pedido medio, ingresos por cliente) no están "
        "disponibles: las compras no llevan importe.",
    },
    "limits.na.value.no_purchases": {
        "en": "Value figures and conversion are not available: the data has no purchases.",
        "es": "Las cifras de valor y la conversión no están disponibles: los datos no tienen "
        "compras.",
    },
    "limits.na.survey.no_survey": {
        "en": "Survey attitudes, NPS and stated channel preference are not available: no "
        "survey was given.",
        "es": "Las actitudes, el NPS y el canal preferido declarado no están disponibles: no se "
        "aportó encuesta.",
    },
    "limits.na.interviews.no_interviews": {
        "en": "Interview themes and quotes are not available: no interviews were given.",
        "es": "Los temas y las citas de entrevistas no están disponibles: no se aportaron "
        "entrevistas.",
    },
    # a table that was not given (DataProfile.has_interactions / has_customers)
    "limits.na.identity.no_interactions": {
        "en": "Identity resolution does not apply: without interactions, each person is one CRM "
        "customer (person_id = customer_id).",
        "es": "La resolución de identidades no aplica: sin interacciones, cada persona es un "
        "cliente del CRM (person_id = customer_id).",
    },
    "limits.na.channels.no_interactions": {
        "en": "Channel figures, the channel plan and activation lists per channel do not apply: "
        "the data has no interactions table.",
        "es": "Las cifras por canal, el plan de canales y las listas de activación por canal no "
        "aplican: los datos no tienen tabla de interacciones.",
    },
    "limits.na.activity.no_interactions": {
        "en": "Activity over time does not apply: the data has no interactions with dates.",
        "es": "La actividad en el tiempo no aplica: los datos no tienen interacciones con fecha.",
    },
    "limits.na.omnichannel.no_interactions": {
        "en": "Omnichannel comparisons and gaps between channels do not apply: the data has no "
        "interactions.",
        "es": "Las comparaciones omnicanal y las brechas entre canales no aplican: los datos no "
        "tienen interacciones.",
    },
    "limits.na.attribution.no_interactions": {
        "en": "Attribution of purchases to channels does not apply: the data has no interactions.",
        "es": "La atribución de compras a canales no aplica: los datos no tienen interacciones.",
    },
    "limits.na.journeys.no_interactions": {
        "en": "Customer journeys do not apply: the data has no interactions.",
        "es": "Los recorridos de clientes no aplican: los datos no tienen interacciones.",
    },
    "limits.na.value.no_interactions": {
        "en": "Purchase value figures (orders, revenue, recency) are not available: the data has "
        "no interactions; segments are described by the CRM attributes.",
        "es": "Las cifras de valor de compra (pedidos, ingresos, recencia) no están disponibles: "
        "los datos no tienen interacciones; los segmentos se describen por los atributos del CRM.",
    },
    "limits.na.demographics.no_crm": {
        "en": "Demographics (age, gender, region) are not available: no customer table (CRM) was "
        "given; persons come from the interactions' identifiers.",
        "es": "Los datos demográficos (edad, género, región) no están disponibles: no se aportó "
        "tabla de clientes (CRM); las personas salen de los identificadores de las interacciones.",
    },
    "limits.orders.lines_suspected": {
        "en": "Purchases look like order lines (many share their customer and exact time) and "
        "no order_id was exported: orders per customer and average order may be overstated "
        "and understated.",
        "es": "Las compras parecen líneas de pedido (muchas comparten cliente y momento exacto) y "
        "no se exportó order_id: los pedidos por cliente pueden estar inflados y el pedido "
        "medio infravalorado.",
    },
    # segmentation (omniseg.segments.segmentation)
    "seg.title": {"en": "Customer segments", "es": "Segmentos de clientes"},
    "seg.block_channels": {"en": "channel mix", "es": "mix de canales"},
    "seg.block_demographics": {"en": "life stage", "es": "etapa de vida"},
    "seg.block_value": {
        "en": "value and recency (purchases, spend, recency, tenure)",
        "es": "valor y recencia (compras, gasto, recencia, antigüedad)",
    },
    "seg.block_attributes": {"en": "the customer attributes", "es": "los atributos del cliente"},
    "seg.basis_used": {
        "en": "Segments are formed on: {blocks}.",
        "es": "Los segmentos se forman según: {blocks}.",
    },
    "seg.basis_channels_one_channel": {
        "en": "The channel mix is left out: the data has one channel, so it cannot tell "
        "customers apart.",
        "es": "El mix de canales no se usa: los datos tienen un solo canal, así que no distingue "
        "a unos clientes de otros.",
    },
    "seg.basis_channels_no_channels": {
        "en": "The channel mix is left out: the data has no interactions by channel.",
        "es": "El mix de canales no se usa: los datos no tienen interacciones por canal.",
    },
    "seg.basis_demographics_missing": {
        "en": "Life stage is left out: the customer data has no age or age band.",
        "es": "La etapa de vida no se usa: los datos de clientes no tienen edad ni tramo de edad.",
    },
    "seg.basis_demographics_in_attributes": {
        "en": "Life stage (age) is one of the customer attributes the segments are formed on.",
        "es": "La etapa de vida (edad) es uno de los atributos de cliente con los que se forman "
        "los segmentos.",
    },
    "seg.basis_demographics_banded": {
        "en": "The age band describes the segments but does not form them: next to behaviour, "
        "a handful of age bands would become the segments themselves.",
        "es": "El tramo de edad describe los segmentos pero no los forma: junto al "
        "comportamiento, unos pocos tramos de edad se convertirían en los propios segmentos.",
    },
    "seg.basis_demographics_no_variance": {
        "en": "Life stage is left out: it is the same for every customer.",
        "es": "La etapa de vida no se usa: es la misma para todos los clientes.",
    },
    "seg.basis_value_no_purchases": {
        "en": "Value and recency are left out: the data has no purchases.",
        "es": "El valor y la recencia no se usan: los datos no tienen compras.",
    },
    "seg.basis_value_no_variance": {
        "en": "Value and recency are left out: they are the same for every customer.",
        "es": "El valor y la recencia no se usan: son iguales para todos los clientes.",
    },
    "seg.dominance": {
        "en": "Caution: the segments follow one input almost entirely (they explain {value} of "
        "{column}); they may be that input re-labelled rather than distinct kinds of customer, and "
        "their stability then only says that this input is stable.",
        "es": "Atención: los segmentos siguen casi por completo a una sola variable (explican el "
        "{value} de {column}); pueden ser esa variable con otro nombre más que tipos distintos "
        "de cliente, y su estabilidad solo indica entonces que esa variable es estable.",
    },
    "seg.not_meaningful": {"en": "not meaningful", "es": "no significativo"},
    "seg.no_overlap": {
        "en": "no overlap (no spread within the groups)",
        "es": "sin solapamiento (sin dispersión en los grupos)",
    },
    "seg.map_not_applicable": {
        "en": "A map does not apply: the segments are formed on a single dimension, so the "
        "table above says all there is.",
        "es": "Un mapa no aplica: los segmentos se forman sobre una sola dimensión, así que la "
        "tabla de arriba lo dice todo.",
    },
    "seg.lead_chosen": {
        "en": "The customers fall into {k} segments: of the {lo} to {hi} segments tried, {k} is "
        "the largest number whose segments come back almost unchanged when the model is refitted "
        "on other samples of customers (stability {q} in 9 of 10 refits; 1 = identical).",
        "es": "Los clientes se agrupan en {k} segmentos: de los {lo} a {hi} probados, {k} es el "
        "mayor número cuyos segmentos vuelven casi iguales al reajustar el modelo con otras "
        "muestras de clientes (estabilidad {q} en 9 de cada 10 reajustes; 1 = idénticos).",
    },
    "seg.lead_fixed": {
        "en": "The number of segments was fixed at {k} by the run parameters.",
        "es": "El número de segmentos se fijó en {k} en los parámetros de la ejecución.",
    },
    "seg.lead_border": {
        "en": "{share} of customers sit between two segments (method: {method}).",
        "es": "El {share} de los clientes está entre dos segmentos (método: {method}).",
    },
    "seg.col_segment": {"en": "Segment", "es": "Segmento"},
    "seg.col_customers": {"en": "Customers", "es": "Clientes"},
    "seg.col_share": {"en": "Share of customers", "es": "% de clientes"},
    "seg.col_revenue_share": {"en": "Share of revenue", "es": "% de ingresos"},
    "seg.col_revenue_pc": {"en": "Revenue per customer", "es": "Ingresos por cliente"},
    "seg.col_borderline": {"en": "Between segments", "es": "Entre segmentos"},
    "seg.stability_q10": {
        "en": "Stability (worst 10% of refits)",
        "es": "Estabilidad (peor 10 % de reajustes)",
    },
    "seg.stability_mean": {"en": "Stability (mean)", "es": "Estabilidad (media)"},
    "seg.stability_axis": {
        "en": "Adjusted Rand index between refits",
        "es": "Índice de Rand ajustado entre reajustes",
    },
    "seg.silhouette": {"en": "Silhouette", "es": "Silueta"},
    "seg.min_share": {"en": "Smallest segment", "es": "Segmento más pequeño"},
    "seg.n_segments": {"en": "Number of segments", "es": "Número de segmentos"},
    "seg.chosen": {"en": "chosen: {k}", "es": "elegido: {k}"},
    "seg.min_stability": {"en": "stability required", "es": "estabilidad exigida"},
    "seg.fig_selection": {
        "en": "How many segments? Stability and separation by number of segments",
        "es": "¿Cuántos segmentos? Estabilidad y separación según el número de segmentos",
    },
    "seg.fig_map": {
        "en": "Map of customers by segment (principal components)",
        "es": "Mapa de clientes por segmento (componentes principales)",
    },
    "seg.pc": {
        "en": "Component {i} ({share} of variance)",
        "es": "Componente {i} ({share} de la varianza)",
    },
    "seg.fig_sizes": {
        "en": "Segment size and value",
        "es": "Tamaño y valor de cada segmento",
    },
    "seg.share_customers": {"en": "Share of customers", "es": "% de clientes"},
    "seg.share_revenue": {"en": "Share of revenue", "es": "% de ingresos"},
    "seg.reason": {"en": "Why this number of segments", "es": "Por qué este número de segmentos"},
    "seg.col_trait": {"en": "Distinctive trait", "es": "Rasgo distintivo"},
    "seg.typing_title": {
        "en": "Placing new people: the typing tool",
        "es": "Asignar a personas nuevas: la herramienta de tipificación",
    },
    "seg.typing_lead": {
        "en": "A few questions a call-centre agent or a survey can ask place a person in a segment "
        "when there is no data about them (survey respondents, interviewees, new customers).",
        "es": "Unas pocas preguntas que un agente o una encuesta pueden hacer asignan a una "
        "persona a un segmento cuando no hay datos sobre ella (encuestados, entrevistados, "
        "clientes nuevos).",
    },
    "seg.col_std_diff": {"en": "Std. difference", "es": "Dif. estandarizada"},
    "seg.selection_lead": {
        "en": "Each number of segments was fitted, then refitted on pairs of random 80% samples "
        "of customers; stability is how similar the two refits' segments are (adjusted Rand "
        "index, 1 = identical). Silhouette measures how well separated the segments are; it is "
        "shown as evidence, not used to choose.",
        "es": "Se ajustó cada número de segmentos y se reajustó con pares de muestras aleatorias "
        "del 80 % de los clientes; la estabilidad mide cuánto se parecen los segmentos de los dos "
        "reajustes (índice de Rand ajustado, 1 = idénticos). La silueta mide lo separados que "
        "están los segmentos; se muestra como evidencia, no se usa para elegir.",
    },
    "seg.map_lead": {
        "en": "Each dot is a customer, placed by the two directions in which customers differ "
        "most; segments that overlap on the map can still differ in the other directions.",
        "es": "Cada punto es un cliente, situado según las dos direcciones en que más difieren "
        "los clientes; segmentos que se solapan en el mapa pueden diferir en otras direcciones.",
    },
    "seg.profile_lead": {
        "en": "What sets each segment apart from everyone else: the most distinctive significant "
        "differences (standardized difference: 0.2 small, 0.5 medium, 0.8 large).",
        "es": "Qué distingue a cada segmento del resto: las diferencias significativas más "
        "marcadas (diferencia estandarizada: 0,2 pequeña, 0,5 media, 0,8 grande).",
    },
    # survey weights (omniseg.voice.weighting)
    "weighting.title": {"en": "Survey weights", "es": "Ponderación de la encuesta"},
    "weighting.converged": {
        "en": "{n} respondents weighted to the population's margins in {iterations} rounds "
        "(largest gap: {error} points). The weighted sample is worth {ess} unweighted "
        "respondents (design effect {deff}); {trimmed} weights were capped.",
        "es": "{n} encuestados ponderados según los márgenes de la población en {iterations} "
        "rondas (mayor desviación: {error} puntos). La muestra ponderada equivale a {ess} "
        "encuestados sin ponderar (efecto de diseño {deff}); se limitaron {trimmed} pesos.",
    },
    "weighting.not_converged": {
        "en": "Warning: the weights did not reach the population's margins after {iterations} "
        "rounds (largest gap: {error} points; {trimmed} weights capped). Loosen the trimming "
        "bounds or collapse small categories. The weighted sample is worth {ess} of the {n} "
        "respondents (design effect {deff}).",
        "es": "Atención: los pesos no alcanzaron los márgenes de la población tras "
        "{iterations} rondas (mayor desviación: {error} puntos; {trimmed} pesos limitados). "
        "Relaje los límites de recorte o agrupe las categorías pequeñas. La muestra ponderada "
        "equivale a {ess} de los {n} encuestados (efecto de diseño {deff}).",
    },
    "weighting.variable": {"en": "Variable", "es": "Variable"},
    "weighting.category": {"en": "Category", "es": "Categoría"},
    "weighting.n": {"en": "Respondents", "es": "Encuestados"},
    "weighting.sample_share": {"en": "Sample share", "es": "Cuota en la muestra"},
    "weighting.target": {"en": "Target", "es": "Objetivo"},
    "weighting.achieved": {"en": "Weighted", "es": "Ponderada"},
    "weighting.difference": {"en": "Gap (points)", "es": "Desviación (puntos)"},
    # survey respondents weighted to the customer base (omniseg.voice.survey_weights)
    "survey_weights.title": {
        "en": "Who answered the survey",
        "es": "Quién respondió la encuesta",
    },
    "survey_weights.lead": {
        "en": "Some customers answer surveys more often than others. Survey figures in this "
        "report (the averages personas are compared with, NPS, stated channel preference) are "
        "weighted so that respondents count as the customer base they stand for.",
        "es": "Algunos clientes responden encuestas más que otros. Las cifras de encuesta de este "
        "informe (las medias con que se comparan las personas, el NPS, el canal preferido) están "
        "ponderadas para que los encuestados cuenten como la base de clientes que representan.",
    },
    "survey_weights.summary": {
        "en": "Weighted by: {variables}.",
        "es": "Ponderado por: {variables}.",
    },
    "survey_weights.unweighted": {
        "en": "The survey answers are not weighted: every respondent counts once.",
        "es": "Las respuestas de la encuesta no están ponderadas: cada encuestado cuenta una vez.",
    },
    "survey_weights.details": {
        "en": "Targets and weighted shares, variable by variable",
        "es": "Objetivos y cuotas ponderadas, variable por variable",
    },
    "survey_weights.var.segment": {"en": "segment", "es": "segmento"},
    "survey_weights.var.age_band": {"en": "age band", "es": "tramo de edad"},
    "survey_weights.var.gender": {"en": "gender", "es": "género"},
    "survey_weights.var.region": {"en": "region", "es": "región"},
    "survey_weights.no_respondents": {
        "en": "No respondent is in segment(s) {categories}: survey figures cannot speak for them.",
        "es": "Ningún encuestado está en el/los segmento(s) {categories}: las cifras de encuesta "
        "no los representan.",
    },
    "survey_weights.missing": {
        "en": "Not weighted by {variable}: {n} respondent(s) did not give it.",
        "es": "Sin ponderar por {variable}: {n} encuestado(s) no lo indicaron.",
    },
    "survey_weights.foreign": {
        "en": "Not weighted by {variable}: the survey has categories the customer table does "
        "not ({categories}); recode them to the customer table's labels.",
        "es": "Sin ponderar por {variable}: la encuesta tiene categorías que la tabla de clientes "
        "no tiene ({categories}); recodifíquelas con las etiquetas de la tabla de clientes.",
    },
    "survey_weights.unrepresented": {
        "en": "No respondent in {variable} {categories} ({share} of customers): their share is "
        "spread over the other categories.",
        "es": "Ningún encuestado en {variable} {categories} ({share} de los clientes): su cuota "
        "se reparte entre las demás categorías.",
    },
    "survey_weights.too_few": {
        "en": "Only {n} respondents could be placed in a segment (at least {m} are needed to "
        "weight): figures are unweighted.",
        "es": "Solo {n} encuestados se pudieron asignar a un segmento (hacen falta al menos {m} "
        "para ponderar): las cifras no están ponderadas.",
    },
    "survey_weights.plot_title": {
        "en": "Share of customers and of survey respondents per segment",
        "es": "Cuota de clientes y de encuestados por segmento",
    },
    "survey_weights.share": {"en": "Share", "es": "Cuota"},
    "survey_weights.bar.customers": {"en": "Customers", "es": "Clientes"},
    "survey_weights.bar.respondent_share": {
        "en": "Respondents (as answered)",
        "es": "Encuestados (tal cual)",
    },
    "survey_weights.bar.weighted_share": {
        "en": "Respondents (weighted)",
        "es": "Encuestados (ponderados)",
    },
    # personas (omniseg.voice.personas)
    "personas.title": {"en": "Personas", "es": "Personas"},
    "personas.lead": {
        "en": "One persona per segment, built from the data: the name comes from the segment's "
        "most distinctive traits (the first name is fictional), and every statement shows how "
        "many people it rests on (n). Attitudes come from survey respondents placed in the "
        "segment; quotes from interviews, with names, emails and phone numbers removed.",
        "es": "Una persona por segmento, construida con los datos: el nombre sale de los rasgos "
        "más distintivos del segmento (el nombre de pila es ficticio) y cada afirmación indica "
        "en cuántas personas se basa (n). Las actitudes vienen de los encuestados asignados al "
        "segmento; las citas, de entrevistas, sin nombres, correos ni teléfonos.",
    },
    "personas.compare": {
        "en": "All personas side by side",
        "es": "Todas las personas, lado a lado",
    },
    "personas.themes_title": {
        "en": "What interviewees talk about",
        "es": "De qué hablan los entrevistados",
    },
    "personas.themes_lead": {
        "en": "Themes found in the interview answers (Spanish and English), labelled by their "
        "most characteristic words; the personas quote the sentences closest to their segment's "
        "themes.",
        "es": "Temas encontrados en las respuestas de las entrevistas (en español e inglés), "
        "nombrados por sus palabras más características; las personas citan las frases más "
        "cercanas a los temas de su segmento.",
    },
    "personas.customers": {"en": "customers", "es": "clientes"},
    "personas.of_customers": {"en": "of customers", "es": "de los clientes"},
    "personas.of_revenue": {"en": "of revenue", "es": "de los ingresos"},
    "personas.who": {"en": "Who they are", "es": "Quiénes son"},
    "personas.behaviour": {"en": "How they buy", "es": "Cómo compran"},
    "personas.channels": {"en": "Preferred channels", "es": "Canales preferidos"},
    "personas.attitudes": {"en": "What they think", "es": "Qué piensan"},
    "personas.goals": {"en": "Goals", "es": "Objetivos"},
    "personas.frustrations": {"en": "Frustrations", "es": "Frustraciones"},
    "personas.themes": {"en": "What they talk about", "es": "De qué hablan"},
    "personas.quotes": {"en": "In their words", "es": "En sus palabras"},
    "personas.evidence": {"en": "Evidence", "es": "Evidencia"},
    "personas.thin": {"en": "Thin evidence", "es": "Evidencia escasa"},
    "personas.median_age": {
        "en": "Median age {v} (everyone: {a})",
        "es": "Edad mediana {v} (todos: {a})",
    },
    "personas.gender": {"en": "{share} women", "es": "{share} mujeres"},
    "personas.top_level": {
        "en": "Most often: {v} ({share})",
        "es": "Lo más frecuente: {v} ({share})",
    },
    "personas.rfm": {
        "en": "{f} purchases per customer, average order {aov}, {m} per customer (everyone: {ma})",
        "es": "{f} compras por cliente, ticket medio {aov}, {m} por cliente (todos: {ma})",
    },
    "personas.recency": {
        "en": "Last purchase a median {d} days ago",
        "es": "Última compra hace una mediana de {d} días",
    },
    "personas.journey": {
        "en": "Typical path: first contact {first}, last {last}; {omni} use 2+ channels",
        "es": "Recorrido típico: primer contacto {first}, último {last}; {omni} usa 2 o más "
        "canales",
    },
    "personas.channel_line": {
        "en": "{ch}: {share} of their interactions (index {idx})",
        "es": "{ch}: {share} de sus interacciones (índice {idx})",
    },
    "personas.construct_line": {
        "en": "{c}: {v} out of {hi} (everyone {a}; {n} respondents)",
        "es": "{c}: {v} de {hi} (todos {a}; {n} encuestados)",
    },
    "personas.nps_line": {
        "en": "Net Promoter Score {v} (everyone {a}; {n} respondents)",
        "es": "Net Promoter Score {v} (todos {a}; {n} encuestados)",
    },
    "personas.few_respondents": {
        "en": "Only {n} survey respondents: attitudes are not shown (at least {m} needed).",
        "es": "Solo {n} encuestados: no se muestran actitudes (se necesitan al menos {m}).",
    },
    "personas.unreliable": {
        "en": "{c} is measured unreliably (Cronbach's alpha {a}); read with caution.",
        "es": "{c} se mide con poca fiabilidad (alfa de Cronbach {a}); léase con cautela.",
    },
    "personas.no_interviews": {
        "en": "No interviews with people of this segment: no quotes or themes.",
        "es": "No hay entrevistas con personas de este segmento: sin citas ni temas.",
    },
    "personas.suppressed": {
        "en": "Fewer than {m} customers: details suppressed for privacy.",
        "es": "Menos de {m} clientes: detalles ocultos por privacidad.",
    },
    "personas.borderline": {
        "en": "{share} of its customers sit between two segments.",
        "es": "El {share} de sus clientes está entre dos segmentos.",
    },
    "personas.goal_line": {
        "en": "{c} well above average ({v} vs {a})",
        "es": "{c} muy por encima de la media ({v} frente a {a})",
    },
    "personas.name_col": {"en": "Persona", "es": "Persona"},
    "personas.segment_col": {"en": "Segment", "es": "Segmento"},
    "personas.main_channel_col": {"en": "Signature channel", "es": "Canal distintivo"},
    "personas.age_col": {"en": "Median age", "es": "Edad mediana"},
    "personas.rpc_col": {"en": "Revenue per customer", "es": "Ingresos por cliente"},
    "personas.nps_col": {"en": "NPS", "es": "NPS"},
    "personas.theme_col": {"en": "Top interview theme", "es": "Tema principal en entrevistas"},
    # persona name traits: English before the noun; Spanish after it (masculine, ".f" feminine)
    "personas.trait.value_high": {"en": "high-value", "es": "de alto valor"},
    "personas.trait.value_high.f": {"en": "high-value", "es": "de alto valor"},
    "personas.trait.value_top": {"en": "top-value", "es": "de máximo valor"},
    "personas.trait.value_top.f": {"en": "top-value", "es": "de máximo valor"},
    "personas.trait.value_low": {"en": "low-value", "es": "de bajo valor"},
    "personas.trait.value_low.f": {"en": "low-value", "es": "de bajo valor"},
    "personas.trait.recency_lapsed": {"en": "lapsed", "es": "inactivo"},
    "personas.trait.recency_lapsed.f": {"en": "lapsed", "es": "inactiva"},
    "personas.trait.recency_active": {"en": "active", "es": "activo"},
    "personas.trait.recency_active.f": {"en": "active", "es": "activa"},
    "personas.trait.frequency_high": {"en": "frequent", "es": "frecuente"},
    "personas.trait.frequency_high.f": {"en": "frequent", "es": "frecuente"},
    "personas.trait.frequency_low": {"en": "occasional", "es": "ocasional"},
    "personas.trait.frequency_low.f": {"en": "occasional", "es": "ocasional"},
    "personas.trait.tenure_high": {"en": "long-standing", "es": "veterano"},
    "personas.trait.tenure_high.f": {"en": "long-standing", "es": "veterana"},
    "personas.trait.tenure_low": {"en": "new", "es": "nuevo"},
    "personas.trait.tenure_low.f": {"en": "new", "es": "nueva"},
    "personas.trait.age_high": {"en": "older", "es": "de más edad"},
    "personas.trait.age_high.f": {"en": "older", "es": "de más edad"},
    "personas.trait.age_low": {"en": "younger", "es": "más joven"},
    "personas.trait.age_low.f": {"en": "younger", "es": "más joven"},
    "personas.trait.region": {"en": "from {v}", "es": "de {v}"},
    "personas.trait.region.f": {"en": "from {v}", "es": "de {v}"},
    "personas.trait.attitude_high": {"en": "{c}-minded", "es": "con {c} alta"},
    "personas.trait.attitude_high.f": {"en": "{c}-minded", "es": "con {c} alta"},
    "personas.trait.attitude_low": {"en": "low-{c}", "es": "con {c} baja"},
    "personas.trait.attitude_low.f": {"en": "low-{c}", "es": "con {c} baja"},
    # traits from a plain customer table's own attributes (CRM only), after the noun
    "personas.trait.attr_high": {"en": "with high {c}", "es": "con {c} alto"},
    "personas.trait.attr_high.f": {"en": "with high {c}", "es": "con {c} alto"},
    "personas.trait.attr_low": {"en": "with low {c}", "es": "con {c} bajo"},
    "personas.trait.attr_low.f": {"en": "with low {c}", "es": "con {c} bajo"},
    "personas.trait.attr_yes": {"en": "with {c}", "es": "con {c}"},
    "personas.trait.attr_yes.f": {"en": "with {c}", "es": "con {c}"},
    "personas.trait.attr_no": {"en": "without {c}", "es": "sin {c}"},
    "personas.trait.attr_no.f": {"en": "without {c}", "es": "sin {c}"},
    "personas.trait.attr_level": {"en": "with {c} {v}", "es": "con {c} {v}"},
    "personas.trait.attr_level.f": {"en": "with {c} {v}", "es": "con {c} {v}"},
    # channel plan (omniseg.channels.plan)
    "channels.title": {"en": "Channel plan", "es": "Plan de canales"},
    "channels.lead": {
        "en": "For each segment, the channels to invest in first: a priority score combines "
        "reach, conversion (purchases per user, judged on the cautious end of its 90% interval), "
        "value attributed from customer journeys, stated preference in the survey and "
        "satisfaction. * marks channels with too little evidence to rank with confidence.",
        "es": "Para cada segmento, los canales en los que invertir primero: la puntuación combina "
        "alcance, conversión (compras por usuario, juzgada por el extremo prudente de su "
        "intervalo del 90 %), valor atribuido según los recorridos de los clientes, preferencia "
        "declarada en la encuesta y satisfacción. * marca canales con poca evidencia.",
    },
    "channels.attr_title": {"en": "Where purchases come from", "es": "De dónde vienen las compras"},
    "channels.attr_lead": {
        "en": "Credit for purchases by channel over all journeys, by five methods: Markov "
        "removal effect (how many purchases are lost without the channel) and Shapley value "
        "credit every channel of a journey by its contribution; first and last touch give all "
        "the credit to one end.",
        "es": "Mérito de las compras por canal en todos los recorridos, con cinco métodos: el "
        "efecto de eliminación de Markov (cuántas compras se pierden sin el canal) y el valor "
        "de Shapley reparten el mérito según la contribución de cada canal; primer y último "
        "contacto se lo dan todo a un extremo.",
    },
    "channels.journey_title": {
        "en": "How customers move between channels",
        "es": "Cómo pasan los clientes de un canal a otro",
    },
    "channels.gaps_title": {"en": "Omnichannel gaps", "es": "Huecos omnicanal"},
    "channels.pat_title": {"en": "Cross-channel patterns", "es": "Patrones entre canales"},
    "channels.pat_lead": {
        "en": "Share of each segment's customers who use several channels and what they are "
        "worth, and who research online and buy in a store (ROPO), visit a store and buy "
        "online (showrooming), or call or chat after a web visit.",
        "es": "Qué parte de cada segmento usa varios canales y cuánto vale, y quién busca en la "
        "web y compra en tienda (ROPO), visita la tienda y compra online (showrooming), o llama "
        "o chatea tras visitar la web.",
    },
    "channels.pat.multi": {"en": "Use 2+ channels", "es": "Usan 2 o más canales"},
    "channels.pat.multi_value": {
        "en": "Revenue per multi-channel customer",
        "es": "Ingresos por cliente multicanal",
    },
    "channels.pat.single_value": {
        "en": "Revenue per single-channel customer",
        "es": "Ingresos por cliente de un canal",
    },
    "channels.pat.ropo_purchases": {
        "en": "Web research, store purchase",
        "es": "Busca en web, compra en tienda",
    },
    "channels.pat.showrooming_purchases": {
        "en": "Store visit, online purchase",
        "es": "Visita tienda, compra online",
    },
    "channels.pat.contact_after_web": {
        "en": "Call/chat after web visit",
        "es": "Llama/chatea tras la web",
    },
    "channels.gaps_lead": {
        "en": "Service contacts with no follow-up on another channel within 48 hours, and "
        "segments whose satisfaction differs strongly between channels (1 point or more on a "
        "1-5 scale).",
        "es": "Contactos de servicio sin seguimiento en otro canal en 48 horas, y segmentos cuya "
        "satisfacción difiere mucho entre canales (1 punto o más en una escala de 1 a 5).",
    },
    "channels.gap.customers_with": {
        "en": "Customers with an unanswered contact",
        "es": "Clientes con un contacto sin respuesta",
    },
    "channels.gap.per_customer": {
        "en": "Unanswered contacts per customer",
        "es": "Contactos sin respuesta por cliente",
    },
    "channels.gap.best": {"en": "Best-rated channel", "es": "Canal mejor valorado"},
    "channels.gap.worst": {"en": "Worst-rated channel", "es": "Canal peor valorado"},
    "channels.gap.gap": {"en": "Satisfaction gap", "es": "Diferencia de satisfacción"},
    "channels.role.acquire": {"en": "acquire", "es": "captar"},
    "channels.role.convert": {"en": "convert", "es": "convertir"},
    "channels.role.retain": {"en": "retain", "es": "fidelizar"},
    "channels.role.serve": {"en": "serve", "es": "atender"},
    "channels.reason": {
        "en": "{reach} of this segment uses {ch}; purchases per user there are {ratio} the "
        "channel's average ({ci_label}: {lo}–{hi}).",
        "es": "El {reach} de este segmento usa {ch}; sus compras por usuario allí son {ratio} "
        "la media del canal ({ci_label}: {lo}–{hi}).",
    },
    "channels.reason_value": {
        "en": " It brings {rpc} per customer of the segment.",
        "es": " Aporta {rpc} por cliente del segmento.",
    },
    "channels.reason_nobuy": {
        "en": "{reach} of this segment uses {ch}, with no purchases there: a channel to {role}.",
        "es": "El {reach} de este segmento usa {ch}, sin compras allí: un canal para {role}.",
    },
    "channels.thin": {
        "en": "Too little evidence ({n} engaged customers): not ranked with confidence.",
        "es": "Evidencia insuficiente ({n} clientes activos): no se ordena con confianza.",
    },
    "channels.ci": {"en": "90% CI", "es": "IC 90 %"},
    "channels.x": {"en": "{v}x", "es": "{v}x"},
    "channels.segment": {"en": "Segment", "es": "Segmento"},
    "channels.channel": {"en": "Channel", "es": "Canal"},
    "channels.rank": {"en": "Rank", "es": "Puesto"},
    "channels.score": {"en": "Priority score", "es": "Puntuación"},
    "channels.role": {"en": "Role", "es": "Papel"},
    "channels.why": {"en": "Why", "es": "Por qué"},
    "channels.stable": {
        "en": "Top channel stable under ±20% weights",
        "es": "Canal principal estable con pesos ±20 %",
    },
    "channels.yes": {"en": "yes", "es": "sí"},
    "channels.no_changes": {"en": "no: {alt}", "es": "no: {alt}"},
    "channels.fig_scores": {
        "en": "Priority score by segment and channel (1 = the segment's best)",
        "es": "Puntuación por segmento y canal (1 = el mejor del segmento)",
    },
    "channels.not_in_data": {
        "en": "Not in your data (no interactions at all, so not ranked): {channels}.",
        "es": "No están en sus datos (ninguna interacción, así que no se ordenan): {channels}.",
    },
    "channels.untested": {
        "en": "{reach} of this segment uses {ch} ({n} customers): an untested option, not a "
        "recommendation.",
        "es": "El {reach} de este segmento usa {ch} ({n} clientes): una opción sin probar, no una "
        "recomendación.",
    },
    "channels.untested_row": {
        "en": "Untested options (the segment barely uses them): {channels}.",
        "es": "Opciones sin probar (el segmento apenas las usa): {channels}.",
    },
    "channels.role.untested": {"en": "untested", "es": "sin probar"},
    "channels.only_channel": {
        "en": " It is the only channel this segment uses: there is nothing to compare it with.",
        "es": " Es el único canal que usa este segmento: no hay con qué compararlo.",
    },
    "channels.no_channel": {
        "en": "This segment uses none of the channels in the data: nothing to rank.",
        "es": "Este segmento no usa ninguno de los canales de los datos: nada que ordenar.",
    },
    "channels.na.attribution.one_channel": {
        "en": "Attribution does not apply: every journey uses one channel ({ch}), so there is "
        "nothing to split the purchases between.",
        "es": "La atribución no aplica: todos los recorridos usan un solo canal ({ch}), así que "
        "no hay entre qué repartir las compras.",
    },
    "channels.na.attribution.no_journeys": {
        "en": "Attribution does not apply: there are no customer journeys in the data.",
        "es": "La atribución no aplica: no hay recorridos de clientes en los datos.",
    },
    "channels.na.attribution.no_purchases": {
        "en": "Attribution does not apply: no journey ends in a purchase.",
        "es": "La atribución no aplica: ningún recorrido termina en una compra.",
    },
    "channels.na.journeys.one_channel": {
        "en": "Journeys between channels do not apply: the data has one channel ({ch}).",
        "es": "Los recorridos entre canales no aplican: los datos tienen un solo canal ({ch}).",
    },
    "channels.na.journeys.no_journeys": {
        "en": "Journeys between channels do not apply: there are no customer journeys.",
        "es": "Los recorridos entre canales no aplican: no hay recorridos de clientes.",
    },
    "channels.na.journeys.no_sequences": {
        "en": "Journeys between channels do not apply: no journey moves from one channel to "
        "another.",
        "es": "Los recorridos entre canales no aplican: ningún recorrido pasa de un canal a otro.",
    },
    "channels.na.patterns.one_channel": {
        "en": "Cross-channel patterns do not apply: the data has one channel ({ch}).",
        "es": "Los patrones entre canales no aplican: los datos tienen un solo canal ({ch}).",
    },
    "channels.na.gaps.one_channel": {
        "en": "Omnichannel gaps do not apply: the data has one channel ({ch}), so there is no "
        "other channel to follow up on or compare.",
        "es": "Los huecos omnicanal no aplican: los datos tienen un solo canal ({ch}), así que no "
        "hay otro canal con el que seguir ni comparar.",
    },
    "channels.na.plan.no_interactions": {
        "en": "There is no channel plan: the data has no interactions, so no channel can be "
        "ranked for any segment and there are no activation lists per channel.",
        "es": "No hay plan de canales: los datos no tienen interacciones, así que no se puede "
        "ordenar ningún canal para ningún segmento ni hay listas de activación por canal.",
    },
    "channels.na.attribution.no_interactions": {
        "en": "Attribution does not apply: the data has no interactions.",
        "es": "La atribución no aplica: los datos no tienen interacciones.",
    },
    "channels.na.journeys.no_interactions": {
        "en": "Customer journeys do not apply: the data has no interactions.",
        "es": "Los recorridos de clientes no aplican: los datos no tienen interacciones.",
    },
    "channels.na.patterns.no_interactions": {
        "en": "Cross-channel patterns do not apply: the data has no interactions.",
        "es": "Los patrones entre canales no aplican: los datos no tienen interacciones.",
    },
    "channels.na.gaps.no_interactions": {
        "en": "Omnichannel gaps do not apply: the data has no interactions.",
        "es": "Los huecos omnicanal no aplican: los datos no tienen interacciones.",
    },
    # interview themes (omniseg.voice.interviews)
    "interviews.title": {"en": "Interview themes", "es": "Temas de las entrevistas"},
    "interviews.lead": {
        "en": "{k} themes found in {n} interviews ({sentences} answer sentences). Each theme is "
        "named by its most characteristic words; quotes are the answers closest to it, with "
        "emails, phone numbers and names removed.",
        "es": "{k} temas en {n} entrevistas ({sentences} frases de respuesta). Cada tema se "
        "nombra por sus palabras más características; las citas son las respuestas más cercanas "
        "a él, sin correos, teléfonos ni nombres.",
    },
    "interviews.col_theme": {"en": "Theme", "es": "Tema"},
    "interviews.col_label": {"en": "Key words", "es": "Palabras clave"},
    "interviews.col_prevalence": {"en": "Share of talk", "es": "Peso en las respuestas"},
    "interviews.col_interviews": {"en": "Interviews", "es": "Entrevistas"},
    "interviews.col_languages": {"en": "Languages", "es": "Idiomas"},
    "interviews.col_quotes": {"en": "Quotes", "es": "Citas"},
    "interviews.fig_prevalence": {
        "en": "Interview themes: share of what interviewees talk about",
        "es": "Temas de las entrevistas: peso en lo que cuentan los entrevistados",
    },
    "interviews.hover": {
        "en": "%{y}: %{x:.1%} of the talk, %{customdata} interviews",
        "es": "%{y}: %{x:.1%} de lo hablado, %{customdata} entrevistas",
    },
    # Loader warnings (omniseg.ingest.loader_warnings.LoaderWarning): English fields carry the
    # format the loaders always wrote ({n:,}); Spanish fields arrive formatted for Spanish readers.
    "loader.empty_columns": {
        "en": "{src}: {n} optional column(s) empty on every row, dropped: {columns}",
        "es": "{src}: {n} columna(s) opcionales vacías en todas las filas, descartadas: {columns}",
    },
    "loader.duplicates": {
        "en": "{src}: {n:,} exact duplicate row(s) dropped ({share:.1%} of {rows:,} rows){caution}",
        "es": "{src}: se eliminaron {n} fila(s) duplicadas exactas ({share} de {rows} filas)"
        "{caution}",
    },
    "loader.duplicates_revenue": {
        "en": "{src}: {n:,} exact duplicate row(s) dropped ({share:.1%} of {rows:,} rows; revenue "
        "removed {revenue:,.2f}, {revenue_share:.1%} of the revenue read){caution}",
        "es": "{src}: se eliminaron {n} fila(s) duplicadas exactas ({share} de {rows} filas; "
        "ingresos eliminados {revenue}, el {revenue_share} de los ingresos leídos){caution}",
    },
    "loader.duplicates_caution": {
        "en": ". More than 1% is removed: if the export left out a column that tells lines "
        "apart (product, order_id, a line number), these may be genuine lines, e.g. two "
        "identical items bought together, and revenue is short. Export that column to keep them",
        "es": ". Se eliminó más del 1 %: si la exportación omitió una columna que distingue "
        "las líneas (producto, order_id, número de línea), pueden ser líneas reales y "
        "faltan ingresos. Exporte esa columna para conservarlas",
    },
    "loader.order_lines": {
        "en": "{src}: {n:,} of {purchases:,} purchase rows ({order_share:.0%}) share their "
        "customer and their exact timestamp with another purchase: they look like the lines of "
        "one order, and may be counted as separate orders (frequency, orders per customer). Fix: "
        "export an order_id column (the order or ticket number of each line)",
        "es": "{src}: {n} de {purchases} compras ({order_share}) comparten cliente y momento "
        "exacto con otra compra: parecen líneas de un mismo pedido y pueden contarse como pedidos "
        "distintos (frecuencia, pedidos por cliente). Solución: exporte una columna order_id (el "
        "número de pedido o de ticket de cada línea)",
    },
    "loader.unknown_channels": {
        "en": "{src}: {n} unknown channel label(s) kept as-is: {channels} (raw labels {labels}); "
        "map them with channel_aliases= if they are known channels",
        "es": "{src}: {n} etiqueta(s) de canal desconocidas se mantienen tal cual: {channels} "
        "(etiquetas originales {labels}); asígnelas con channel_aliases= si son canales conocidos",
    },
    "loader.unknown_events": {
        "en": "{src}: event label(s) outside the canonical set kept as-is: {events}",
        "es": "{src}: etiquetas de evento fuera del conjunto canónico, se mantienen tal cual: "
        "{events}",
    },
    "loader.anonymous": {
        "en": "{src}: {n:,} row(s) ({share:.1%}) have no identifier (anonymous); they count in "
        "channel totals but cannot be linked to a customer",
        "es": "{src}: {n} fila(s) ({share}) no tienen identificador (anónimas); cuentan en los "
        "totales por canal pero no se pueden vincular a un cliente",
    },
    "loader.unknown_customers": {
        "en": "{src}: {n:,} row(s) have a customer_id that is not in the CRM",
        "es": "{src}: {n} fila(s) tienen un customer_id que no está en el CRM",
    },
    "loader.unknown_respondents": {
        "en": "{src}: {n:,} respondent(s) linked to a customer_id that is not in the CRM",
        "es": "{src}: {n} encuestado(s) vinculados a un customer_id que no está en el CRM",
    },
    "loader.zero_padding": {
        "en": "{crm} and {other}, column '{column}': {n:,} {column} value(s) of {other} match one "
        "of {crm} only once leading zeros are removed ({padded} writes them with leading zeros, "
        "{bare} without, as a number). Likely cause: a spreadsheet (Excel) opened and saved one "
        "export and read the ids as numbers, dropping their leading zeros. The ids are not "
        "changed, so these are not linked. Fix: export the column as text from the source system "
        "(or format it as text before saving)",
        "es": "{crm} y {other}, columna '{column}': {n} valor(es) de {column} de {other} solo "
        "coinciden con {crm} si se quitan los ceros a la izquierda ({padded} los escribe con ceros "
        "a la izquierda, {bare} sin ellos, como número). Causa probable: una hoja de "
        "cálculo (Excel) abrió y guardó una exportación y leyó los ids como números. Los ids no se "
        "cambian, así que no se vinculan. Solución: exporte la columna como texto",
    },
    "loader.ambiguous_number": {
        "en": "{src}, column '{column}': {n:,} value(s) such as {example} have one '{mark}' "
        "followed by three digits, which can be a thousands separator or a decimal mark; read "
        "{how} because {why}. If that is wrong, state the format: number_format: {stated} under "
        "data: in the params file (number_format= in load_data)",
        "es": "{src}, columna '{column}': {n} valor(es) como {example} tienen un '{mark}' seguido "
        "de tres cifras, que puede ser separador de miles o marca decimal; se leyeron {how} "
        "porque {why}. Si no es así, indique el formato: number_format: {stated} en data: del "
        "archivo de parámetros (number_format= en load_data)",
    },
    "loader.how.decimals": {
        "en": "as decimals ({example} = {value})",
        "es": "como decimales ({example} = {value})",
    },
    "loader.how.thousands": {
        "en": "with '{mark}' as thousands separator ({example} = {value})",
        "es": "con '{mark}' como separador de miles ({example} = {value})",
    },
    "loader.why.mixed": {
        "en": "the column writes other numbers both with a decimal comma and with a decimal point",
        "es": "la columna escribe otros números con coma decimal y también con punto decimal",
    },
    "loader.why.hint": {
        "en": "no other value of the column shows the decimal mark, and {reason}",
        "es": "ningún otro valor de la columna muestra la marca decimal, y {reason}",
    },
    "loader.hint.columns_comma": {
        "en": "other columns of the file write decimals with a comma",
        "es": "otras columnas del archivo escriben los decimales con coma",
    },
    "loader.hint.columns_point": {
        "en": "other columns of the file write decimals with a point",
        "es": "otras columnas del archivo escriben los decimales con punto",
    },
    "loader.hint.semicolons": {
        "en": "the file is ';'-delimited, as Spanish-locale exports are",
        "es": "el archivo está delimitado por ';', como las exportaciones en configuración "
        "española",
    },
    "loader.hint.no_comma": {
        "en": "nothing in the file shows a decimal comma",
        "es": "nada en el archivo muestra una coma decimal",
    },
    "loader.gender_code": {
        "en": "{src}, column 'gender': the code M can mean mujer (Spanish, where H is hombre) or "
        "male (English, where F is female), and the column's codes {codes} do not say which; M "
        "was read as {meaning} because {reason}. If that is wrong, state it: value_maps: "
        "{value_maps} under data: in the params file (value_maps= in load_data)",
        "es": "{src}, columna 'gender': el código M puede ser mujer (español, donde H es hombre) o "
        "male, hombre (inglés, donde F es mujer), y los códigos de la columna {codes} no lo "
        "aclaran; M se leyó como {meaning} porque {reason}. Si no es así, indíquelo: value_maps: "
        "{value_maps} en data: del archivo de parámetros (value_maps= en load_data)",
    },
    "loader.gender.female": {"en": "female (mujer)", "es": "mujer"},
    "loader.gender.male": {"en": "male", "es": "hombre (male)"},
    "loader.gender_reason.labels_es": {
        "en": "the column's other labels are in Spanish",
        "es": "las demás etiquetas de la columna están en español",
    },
    "loader.gender_reason.labels_en": {
        "en": "the column's other labels are in English",
        "es": "las demás etiquetas de la columna están en inglés",
    },
    "loader.gender_reason.spanish_file": {
        "en": "the file is a Spanish-locale export (';'-delimited or decimal commas)",
        "es": "el archivo es una exportación en configuración española (delimitado por ';' o con "
        "comas decimales)",
    },
    "loader.gender_reason.no_spanish_file": {
        "en": "nothing in the file points to a Spanish-locale export",
        "es": "nada en el archivo indica una exportación en configuración española",
    },
}

#: Language -> canonical channel -> display name. Unknown channels are shown capitalised.
CHANNEL_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "web": "Web",
        "app": "App",
        "email": "Email",
        "social": "Social media",
        "phone": "Phone",
        "chat": "Chat",
        "sms": "SMS",
        "store": "Store",
    },
    "es": {
        "web": "Web",
        "app": "App",
        "email": "Correo electrónico",
        "social": "Redes sociales",
        "phone": "Teléfono",
        "chat": "Chat",
        "sms": "SMS",
        "store": "Tienda",
    },
}


#: Language -> canonical event -> display name. Unknown events are shown capitalised.
EVENT_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "view": "View",
        "click": "Click",
        "contact": "Contact",
        "purchase": "Purchase",
        "complaint": "Complaint",
    },
    "es": {
        "view": "Visita",
        "click": "Clic",
        "contact": "Contacto",
        "purchase": "Compra",
        "complaint": "Queja",
    },
}


def check_language(language: str) -> str:
    """Check that the report can be written in ``language``.

    Parameters
    ----------
    language : str
        A language code.

    Returns
    -------
    str
        ``language`` itself.

    Raises
    ------
    ParameterError
        If ``language`` is not in :data:`SUPPORTED_LANGUAGES`.
    """
    if not isinstance(language, str) or language not in SUPPORTED_LANGUAGES:
        raise ParameterError(
            f"The 'language' parameter must be one of {SUPPORTED_LANGUAGES}. "
            f"Got {language!r} instead."
        )
    return language


def t(key: str, language: str = "en", **fmt: object) -> str:
    """The report text of ``key`` in ``language``, formatted with ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`, such as ``"overview.title"``.
    language : {"en", "es"}, default "en"
        Report language.
    **fmt
        Values for the ``{fields}`` of the text.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the language is not supported.
    KeyError
        If there is no text for ``key`` in ``language`` (the message names the key).

    Examples
    --------
    >>> t("report.toc", "es")
    'Contenido'
    >>> t("report.run", "en", run="q3")
    'Run: q3'
    """
    check_language(language)
    try:
        text = MESSAGES[key][language]
    except KeyError:
        raise KeyError(f"No report text for key {key!r} in language {language!r}.") from None
    return text.format(**fmt) if fmt else text


def channel_label(channel: str, language: str = "en") -> str:
    """Display name of a channel.

    Parameters
    ----------
    channel : str
        A canonical channel (``"store"``) or any other label, which is shown capitalised.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> channel_label("phone", "es")
    'Teléfono'
    >>> channel_label("kiosk", "es")
    'Kiosk'
    """
    check_language(language)
    return CHANNEL_LABELS[language].get(channel, str(channel).capitalize())


def event_label(event: str, language: str = "en") -> str:
    """Display name of an event type.

    Parameters
    ----------
    event : str
        A canonical event (``"purchase"``) or any other label, which is shown capitalised.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> event_label("complaint", "es")
    'Queja'
    """
    check_language(language)
    return EVENT_LABELS[language].get(event, str(event).capitalize())


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA (whose comparison raises or is NA)
    except (TypeError, ValueError):
        return True


def _group(value: float, digits: int, language: str) -> str:
    text = f"{value:,.{digits}f}"
    if language == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_number(value: float | None, language: str = "en", digits: int = 0) -> str:
    """A number with the language's thousands and decimal separators.

    Parameters
    ----------
    value : float or None
        The number; missing values (``None``, NaN, ``pd.NA``) are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 0
        Decimal places.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.5, "en", digits=1)
    '1,234.5'
    >>> format_number(1234.5, "es", digits=1)
    '1.234,5'
    >>> format_number(-1e-12, "en")  # no "-0": a rounding error is not a negative number
    '0'
    """
    check_language(language)
    if _missing(value):
        return "–"
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if round(value, max(int(digits), 0)) == 0:
        value = 0.0  # -0.0 and tiny negatives show as 0
    return _group(value, digits, language)


def format_percent(value: float | None, language: str = "en", digits: int = 1) -> str:
    """A share (``0.62``) as a percentage.

    Parameters
    ----------
    value : float or None
        A share between 0 and 1; missing values are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 1
        Decimal places of the percentage.

    Returns
    -------
    str
        ``'62.0%'`` (en) or ``'62,0 %'`` (es, with a non-breaking space).
    """
    text = format_number(None if _missing(value) else 100 * float(value), language, digits)
    if text == "–":
        return text
    return f"{text}\u00a0%" if language == "es" else f"{text}%"


#: The currency money figures are shown in unless a call names one (ISO 4217); a report run sets
#: it from its ``currency`` parameter (:func:`set_currency`, called by ``open_report``).
_CURRENCY = {"code": "EUR"}


def set_currency(code: str) -> None:
    """Show money in ``code`` (ISO 4217, e.g. ``"USD"``) from now on in this process."""
    from babel.numbers import get_currency_name

    try:
        get_currency_name(code, locale="en")
    except Exception:  # pragma: no cover - params already checked it
        raise ParameterError(f"Unknown currency code {code!r}.") from None
    _CURRENCY["code"] = str(code)


def currency_symbol(language: str = "en", code: str | None = None) -> str:
    """The currency's symbol in ``language`` (``€``; ``$``/``US$`` for USD; ``£``)."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(code or _CURRENCY["code"], locale=language)


def format_money(
    value: float | None, language: str = "en", digits: int = 0, currency: str | None = None
) -> str:
    """An amount of money, in the run's currency (default euros).

    Parameters
    ----------
    value : float or None
        The amount; missing values are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 0
        Decimal places.
    currency : str, optional
        ISO 4217 code; default the run's (:func:`set_currency`, ``EUR`` unless set).

    Returns
    -------
    str
        ``'€1,234'`` (en) or ``'1.234 €'`` (es, with a non-breaking space).

    Examples
    --------
    >>> format_money(1234.5, "en"), format_money(1234.5, "es")
    ('€1,234', '1.234\xa0€')
    >>> format_money(1234.5, "en", currency="USD"), format_money(-3, "es", currency="USD")
    ('$1,234', '-3\xa0US$')
    """
    text = format_number(value, language, digits)
    if text == "–":
        return text
    symbol = currency_symbol(language, currency)
    if text.startswith("-") and language == "en":
        return f"-{symbol}{text[1:]}"
    return f"{text}\u00a0{symbol}" if language == "es" else f"{symbol}{text}"


#: Loader-warning fields that are shares, with the decimals their English text rounds to.
_LOADER_SHARES: dict[str, int] = {"share": 1, "revenue_share": 1, "order_share": 0}
#: Loader-warning fields that are amounts, with their decimals.
_LOADER_AMOUNTS: dict[str, int] = {"revenue": 2}


def _loader_field(name: str, value: object, language: str) -> object:
    """One field of a loader warning, ready for the ``language`` text of its key."""
    if isinstance(value, dict) and "key" in value:  # a worded part
        return _word_loader(value["key"], value.get("params", {}), language)
    if language == "en" or isinstance(value, bool) or not isinstance(value, int | float):
        return value  # English texts format their own numbers ({n:,}); labels are kept
    if name in _LOADER_SHARES:  # the share as the English text rounds it, in Spanish form
        return format_percent(round(float(value), _LOADER_SHARES[name] + 2), language)
    return format_number(value, language, _LOADER_AMOUNTS.get(name, 0))


def _word_loader(key: str, params: dict, language: str) -> str:
    fields = {name: _loader_field(name, value, language) for name, value in params.items()}
    return t(key, language, **fields)


def translate_loader_warning(warning: object, language: str = "en") -> str:
    """A loader warning worded in the report's language.

    Parameters
    ----------
    warning : LoaderWarning or str
        A :class:`~omniseg.ingest.loader_warnings.LoaderWarning` (a ``loader.*`` key of
        :data:`MESSAGES` and its fields); a plain text is returned as it is.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> from omniseg.ingest.loader_warnings import LoaderWarning
    >>> w = LoaderWarning(
    ...     "loader.duplicates",
    ...     {"src": "customers.csv", "n": 1025, "share": 0.005, "rows": 205000, "caution": ""},
    ... )
    >>> translate_loader_warning(w, "en")
    'customers.csv: 1,025 exact duplicate row(s) dropped (0.5% of 205,000 rows)'
    >>> translate_loader_warning(w, "es")
    'customers.csv: se eliminaron 1.025 fila(s) duplicadas exactas (0,5\xa0% de 205.000 filas)'
    """
    check_language(language)
    key = getattr(warning, "key", None)
    if key is None:
        return str(warning)
    return _word_loader(key, getattr(warning, "params", {}), language)
