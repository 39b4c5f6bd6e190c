# الصفحة الرئيسية: قوائم عمل المستخدم المسجَّل.

home-work = عملك
queue-empty = لا شيء بالانتظار.
queue-all = الكل ({ $count })
queue-all-notified = كل القرارات المبلَّغة
queue-to-register = طلبات للتسجيل وتحديد الموعد
queue-to-register-hint = طلبات مقدَّمة أو مسجَّلة لم يُحدَّد موعد مقابلتها بعد.
queue-awaiting-interview = طلبات بانتظار المقابلة
queue-awaiting-interview-hint = مقابلات محدَّدة الموعد، يجب إجراؤها وتسجيلها.
queue-to-assess = أُجريت المقابلة، بانتظار التقييم
queue-to-assess-hint = طلبات حان موعد تقييمها المكتوب.
queue-to-review = تقييمات للمراجعة
queue-to-review-hint = يراجعها موظف غير الذي كتب التقييم.
queue-to-decide = روجعت، بانتظار القرار
queue-to-decide-hint = طلبات رُوجع تقييمها وتنتظر القرار.
queue-to-notify = قرارات للتبليغ
queue-to-notify-hint = قرارات يجب تسليمها كتابةً.
queue-appeals = طعون للفصل فيها
queue-appeals-hint = طعون قيد النظر؛ لا يجوز ترحيل مقدّم الطلب في أثنائها.
queue-appeal-deadlines = مهل الطعن المنتهية هذا الأسبوع
queue-appeal-deadlines-hint = قرارات مبلَّغة تنتهي مهلة الطعن فيها خلال سبعة أيام.
queue-duplicates = تكرارات محتملة للمراجعة
queue-duplicates-hint = أزواج من التسجيلات قد تخص شخصاً واحداً.
queue-duplicates-open = راجع التكرارات المحتملة
queue-removals = طلبات ترحيل للتقييم
queue-removals-hint = طلبات قيّمتها الضمانة ولم تُنفَّذ.
