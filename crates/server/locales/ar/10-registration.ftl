# صفحة التسجيل: أسرة كاملة في استمارة واحدة، مع البحث عن التكرارات قبل الحفظ.

reg-title = تسجيل أسرة
reg-intro = املأ بيانات مقدم الطلب الرئيسي وكل معال؛ واترك الأقسام التي لا تحتاجها فارغة. لا يُحفظ شيء حتى تكتمل الاستمارة ويُجرى البحث عن التكرارات.
reg-errors = { $count ->
    [one] في هذه الاستمارة مشكلة واحدة
   *[other] في هذه الاستمارة { $count } مشكلات
}
reg-nothing-saved = لم يُحفظ شيء. صحّح الحقول أدناه ثم أرسل الاستمارة مرة أخرى.
reg-candidates-found = { $count ->
    [one] شخص واحد مسجل من قبل قد يكون أحد الأشخاص في هذه الاستمارة
   *[other] { $count } أشخاص مسجلون من قبل قد يكونون من الأشخاص في هذه الاستمارة
}
reg-candidates-help = لم يُحفظ شيء بعد. راجع كل تكرار محتمل تحت الفرد الذي يخصه. إن كان الشخص نفسه فانتقل إلى الملف الموجود، وإلا فاحفظ أسرة جديدة.
reg-operation = العملية
reg-arrival-date = تاريخ الوصول
reg-arrival-hint = السنة والشهر واليوم، مثل ⁦2024-03-17⁩
reg-principal-applicant = مقدم الطلب الرئيسي
reg-member-n = الفرد { $n }
reg-member = فرد
reg-dependant-hint = اترك هذا القسم فارغًا إن لم يكن في الأسرة فرد آخر.
reg-relationship-to-pa = صلة القرابة بمقدم الطلب الرئيسي
reg-choose = — اختر —
reg-given-name = الاسم الأول
reg-latin-hint = بالحروف اللاتينية
reg-family-name = اسم العائلة
reg-given-name-original = الاسم الأول بالكتابة الأصلية
reg-original-hint = كما يكتبه الشخص (بالعربية أو الكورية أو الصينية أو البورمية أو الجعزية…)
reg-family-name-original = اسم العائلة بالكتابة الأصلية
reg-dob-hint = اكتب السنة وحدها، أو السنة والشهر، أو التاريخ الكامل.
reg-year = السنة
reg-month = الشهر
reg-day = اليوم
reg-unknown = غير معروف
reg-citizenship-hint = رموز ISO من ثلاثة أحرف، مثل SYR، أو SYR;TUR لجنسيتين؛ اتركه فارغًا إن لم تُحدَّد بعد
reg-stateless = عديم الجنسية
reg-country-of-birth = بلد الميلاد
reg-iso3-hint = رمز ISO من ثلاثة أحرف، مثل AFG
reg-languages-hint = رموز ISO 639، اللغة المفضلة أولًا، مثل ar, ku
reg-documents = وثائق الهوية
reg-doc-kind = الوثيقة { $n }: النوع
reg-doc-number = الرقم
reg-doc-country = بلد الإصدار
reg-needs-hint = رموز الاحتياجات الخاصة لدى المفوضية. الاحتياجات الموسومة «مقيّد» تتعلق بالصحة أو العنف أو التعذيب ولا تُعرض إلا للأدوار المخوّلة.
reg-sensitive = مقيّد
reg-candidates-for = { $count ->
    [one] تكرار محتمل لهذا الشخص
   *[other] { $count } تكرارات محتملة لهذا الشخص
}
reg-go-to-existing = إنه الشخص نفسه: انتقل إلى الملف الموجود
reg-save-anyway-help = إن لم يكن أي من التكرارات المحتملة هو الشخص نفسه، فاحفظ الأسرة بوصفها جديدة. تبقى التكرارات المحتملة للمراجعة، ويُسجَّل في الملف أنك اطلعت عليها.
reg-check-again = تحقق مرة أخرى
reg-save-anyway = احفظ أسرة جديدة على أي حال
reg-check-and-save = ابحث عن التكرارات واحفظ
reg-more-rows = أضف أقسامًا لأفراد آخرين

regdoc-passport = جواز سفر
regdoc-national_id = بطاقة هوية وطنية
regdoc-birth_certificate = شهادة ميلاد
regdoc-marriage_certificate = عقد زواج
regdoc-family_book = دفتر عائلة
regdoc-refugee_certificate = شهادة لاجئ
regdoc-asylum_seeker_certificate = شهادة طالب لجوء
regdoc-travel_document = وثيقة سفر
regdoc-other = وثيقة أخرى

regerr-required = هذا الحقل مطلوب.
regerr-empty-name = اكتب الاسم أو اترك الحقل فارغًا.
regerr-name-too-long = هذا الاسم طويل جدًا.
regerr-invalid-name-character = لا يحتوي الاسم إلا على حروف من أي كتابة ومسافات وشرطات وفواصل عليا ونقاط.
regerr-not-latin-script = اكتب هذا الاسم بالحروف اللاتينية، وضع الاسم بكتابته الأصلية في الحقل المخصص لها.
regerr-name-without-letters = يجب أن يحتوي الاسم على حروف.
regerr-invalid-sex = اختر أنثى أو ذكر أو آخر أو غير معروف.
regerr-invalid-date = هذا ليس تاريخًا: اكتب سنة من أربعة أرقام، والشهر واليوم إن كانا معروفين.
regerr-impossible-date = هذا التاريخ غير موجود في التقويم.
regerr-date-out-of-range = يجب أن تقع السنة بين 1880 و2200.
regerr-date-in-future = هذا التاريخ في المستقبل.
regerr-invalid-country = استخدم رمز بلد ISO من ثلاثة أحرف، مثل SYR أو AFG أو SSD.
regerr-unknown-country = هذا ليس رمز بلد ISO؛ تحقق منه (مثل SYR لسوريا وMMR لميانمار).
regerr-invalid-language = استخدم رموز لغات ISO 639 من حرفين أو ثلاثة، مثل ar أو prs أو rhg.
regerr-invalid-document-kind = اختر نوع الوثيقة من القائمة.
regerr-invalid-document-number = يتكون رقم الوثيقة من 1 إلى 40 من الحروف أو الأرقام أو «-» أو «/» أو «.».
regerr-invalid-specific-need = هذا ليس رمز احتياج خاص لدى المفوضية.
regerr-invalid-relationship = اختر صلة القرابة بمقدم الطلب الرئيسي من القائمة.
regerr-principal-applicant = للأسرة مقدم طلب رئيسي واحد فقط.
regerr-text-too-long = هذا النص طويل جدًا.
regerr-invalid-text-character = يحتوي هذا النص على حرف غير مقبول هنا؛ اكتب نصًا عاديًا.
regerr-empty-text = اكتب النص أو اترك الحقل فارغًا.
regerr-dob-year-required = اكتب سنة الميلاد، أو اترك التاريخ كله فارغًا.
regerr-dob-month-required = اكتب الشهر أيضًا، أو اترك اليوم فارغًا.
regerr-stateless-and-country = اكتب جنسية أو ضع علامة على «عديم الجنسية»، لا الاثنين معًا.
regerr-no-operation = لا تعمل في أي عملية يحق لك التسجيل فيها؛ راجع المسؤول عن النظام.

need-CR = طفل معرض للخطر
need-CR-CP = طفل والد
need-CR-CS = طفل متزوج
need-CR-CC = طفل مقدم رعاية
need-CR-TP = حمل في سن المراهقة
need-CR-LW = طفل يعمل في أسوأ أشكال عمل الأطفال
need-CR-AF = طفل مرتبط بقوات أو جماعات مسلحة
need-CR-CL = طفل في نزاع مع القانون
need-CR-NE = طفل غير ملتحق بالمدرسة
need-UC = طفل غير مصحوب أو منفصل عن ذويه
need-UC-UM = قاصر غير مصحوب
need-UC-US = طفل منفصل عن ذويه
need-WR = امرأة معرضة للخطر
need-WR-SF = امرأة وحيدة معرضة للخطر
need-WR-LC = امرأة مرضع
need-WR-PY = امرأة حامل
need-ER = مسن معرض للخطر
need-ER-NF = مسن عاجز عن رعاية نفسه
need-SP = والد وحيد أو مقدم رعاية وحيد
need-DS = إعاقة
need-DS-PM = إعاقة جسدية – متوسطة
need-DS-PS = إعاقة جسدية – شديدة
need-DS-MM = إعاقة ذهنية – متوسطة
need-DS-MS = إعاقة ذهنية – شديدة
need-DS-BD = إعاقة بصرية
need-DS-DF = إعاقة سمعية
need-SM = حالة طبية خطيرة
need-SM-CI = مرض مزمن
need-SM-MI = مرض نفسي
need-SV = العنف الجنسي والقائم على النوع الاجتماعي
need-TR = التعذيب
need-TR-PI = ضرر نفسي أو جسدي بسبب التعذيب
need-TR-HO = السجن والتعذيب في بلد المنشأ
need-LP = احتياجات خاصة للحماية القانونية والجسدية
need-LP-ND = لا وثائق قانونية
need-LP-AN = عنف أو إساءة أو إهمال
need-LP-MS = مهمش في المجتمع
need-LP-DT = محتجز في بلد اللجوء
need-LP-RR = معرض لخطر الإعادة القسرية
need-FU = وحدة الأسرة
need-FU-TR = يلزم البحث عن أفراد الأسرة
need-FU-FR = يلزم لم شمل الأسرة
