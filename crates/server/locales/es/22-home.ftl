# Página de inicio: las colas de trabajo del usuario conectado.

home-work = Su trabajo
queue-empty = Nada pendiente.
queue-all = Las { $count }
queue-all-notified = Todas las decisiones notificadas
queue-to-register = Solicitudes por registrar y programar
queue-to-register-hint = Solicitudes presentadas o registradas cuya entrevista aún no está programada.
queue-awaiting-interview = Solicitudes pendientes de entrevista
queue-awaiting-interview-hint = Entrevistas programadas, por realizar y registrar.
queue-to-assess = Entrevistadas, por evaluar
queue-to-assess-hint = Solicitudes cuya evaluación escrita corresponde.
queue-to-review = Evaluaciones por revisar
queue-to-review-hint = Las revisa un funcionario distinto del que redactó la evaluación.
queue-to-decide = Revisadas, por decidir
queue-to-decide-hint = Solicitudes cuya evaluación fue revisada y que esperan una decisión.
queue-to-notify = Decisiones por notificar
queue-to-notify-hint = Decisiones por entregar por escrito.
queue-appeals = Apelaciones por decidir
queue-appeals-hint = Apelaciones pendientes; mientras tanto el solicitante no puede ser expulsado.
queue-appeal-deadlines = Plazos de apelación que vencen esta semana
queue-appeal-deadlines-hint = Decisiones notificadas cuyo plazo de apelación vence en los próximos siete días.
queue-duplicates = Posibles duplicados por revisar
queue-duplicates-hint = Pares de registros que pueden ser una misma persona.
queue-duplicates-open = Revisar los posibles duplicados
queue-removals = Solicitudes de expulsión por evaluar
queue-removals-hint = Solicitudes evaluadas por el control y no ejecutadas.
