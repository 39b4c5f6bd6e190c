skip-to-content = انتقل إلى المحتوى
search-by-name = البحث بالاسم
name-any-script = الاسم، بأي كتابة
search = بحث
sign-out = تسجيل الخروج
footer = نانسن — تسجيل اللاجئين وحمايتهم. يُحفظ كل تغيير في سجل الملف.
language = اللغة
nav-home = الرئيسية
nav-search = البحث عن شخص
nav-statistics = الإحصاءات
nav-register = تسجيل أسرة
nav-claims = الطلبات
nav-duplicates = التكرارات المحتملة
nav-removals = الترحيل
main-navigation = التنقل الرئيسي

sign-in = تسجيل الدخول
sign-in-title = تسجيل الدخول
user-name = اسم المستخدم
password = كلمة المرور
totp-code = الرمز من تطبيق المصادقة (إن كنت تستخدمه)
sign-in-note = يحفظ نانسن ملفات أشخاص فرّوا من الاضطهاد. يُسجَّل كل دخول وكل اطلاع على ملف.

error-title = خطأ { $status }
back-to-start = العودة إلى الصفحة الرئيسية

operations = العمليات
no-operation = لا توجد عملية بعد. أنشئ واحدة عبر واجهة البرمجة، أو شغّل العرض التجريبي بالأمر «nansen demo».
op-code = الرمز
op-name = الاسم
country-of-asylum = بلد اللجوء
households = الأسر
persons = الأشخاص
find-a-person = البحث عن شخص

search-name-label = الاسم (بأي كتابة؛ لا تهم الحركات ولا حالة الأحرف)
case-number = رقم الملف
document-number = رقم الوثيقة
found = { $count ->
    [zero] لم يُعثر على أحد.
    [one] عُثر على شخص واحد.
    [two] عُثر على شخصين.
    [few] عُثر على { $count } أشخاص.
   *[other] عُثر على { $count } شخصًا.
}
previous = السابق
next = التالي

name-latin = الاسم (بالحروف اللاتينية)
name-own-script = الاسم (بالكتابة الأصلية)
sex = الجنس
born = الميلاد
citizenship = الجنسية
relationship = صلة القرابة

relationship-label = صلة القرابة
date-of-birth = تاريخ الميلاد
place-of-birth = مكان الميلاد
languages = اللغات
record-version = إصدار الملف
documents = الوثائق
none-recorded = لا شيء مسجّل.
specific-needs = الاحتياجات الخاصة
restricted-needs = { $count ->
    [one] هناك احتياج آخر مسجّل يتعلق بالصحة أو العنف أو التعذيب؛ لا يعرضه دورك.
   *[other] هناك { $count } احتياجات أخرى مسجّلة تتعلق بالصحة أو العنف أو التعذيب؛ لا يعرضها دورك.
}
household = الأسرة
household-title = الأسرة { $case }
arrival = الوصول
address = العنوان
identifier = المعرّف
members = الأفراد

history = السجل
by-actor = بواسطة { $actor }
changed = التغييرات: { $fields }
reason = السبب:

sex-F = أنثى
sex-M = ذكر
sex-X = آخر
sex-U = غير معروف

date-full = { $day } { $month } { $year }
date-month = { $month } { $year }
date-year = { $year }
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر

statistics = الإحصاءات

rel-PA = مقدم الطلب الرئيسي
rel-SPS = الزوج أو الشريك
rel-CHD = ابن أو ابنة
rel-STC = ربيب أو ربيبة
rel-PAR = أب أو أم
rel-SIB = أخ أو أخت
rel-GCH = حفيد أو حفيدة
rel-GPA = جد أو جدة
rel-REL = قريب آخر
rel-NRL = لا صلة قرابة

# إسناد الملفات (صفحة الأسرة)
assign-title = مُسند إلى
assign-help = الموظفون الذين يقتصر حسابهم على الملفات المسندة إليهم لا يرون هذا الملف إلا ما دام مسندًا إليهم. اذكر السبب: يُحفظ مع الإسناد وفي سجل الوصول.
assign-none = غير مُسند إلى أحد.
assign-user = الموظف (اسم الدخول)
assign-since = منذ
assign-reason = السبب
assign-end = إنهاء الإسناد
assign-end-reason = سبب الإنهاء
assign-submit = إسناد
