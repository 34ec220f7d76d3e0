// AnalysisSettings (core/session): JSON round trip, defaults for missing
// keys, type errors, and every validate() branch with its message.
#include "Error.h"
#include "session/AnalysisSettings.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace qkov;

Q_DECLARE_METATYPE(std::function<void(qkov::AnalysisSettings &)>)

namespace {

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

} // namespace

class TestSessionSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsValidate()
    {
        QCOMPARE(errorOf([] { AnalysisSettings().validate(); }), QString());
    }

    void roundTrip()
    {
        AnalysisSettings s;
        s.maxLength = 33;
        s.maxSamples = 17;
        s.batchSize = 5;
        s.includeBias = true;
        s.fisher = QStringLiteral("ema");
        s.beta = 0.9;
        s.fisherRef = QStringLiteral("a");
        s.epsilon = 1e-20;
        s.ridgeRel = 0.125;
        s.ridgeAbs = 3e-9;
        s.variant = QStringLiteral("symmetric");
        s.topK = 7;
        s.permutations = 99;
        s.bootstrap = 77;
        s.alpha = 0.01;
        s.minEffect = 0.75;
        s.fdrFamily = QStringLiteral("all");
        s.seed = 0xfedcba9876543210ull;
        s.threads = 3;
        s.memoryBudgetMB = 100000;
        s.gradientStorage = QStringLiteral("bfloat16");
        s.device = QStringLiteral("cuda:1");
        s.freeze = QStringLiteral("L3.H5:qk,L4.H2:ov:mean");
        const QJsonObject json = s.toJson();
        QCOMPARE(json.size(), 23); // every setting has a key
        const AnalysisSettings back = AnalysisSettings::fromJson(json, QStringLiteral("x.qkov"));
        QCOMPARE(back.toJson(), json);
        QCOMPARE(back.seed, s.seed);
        QCOMPARE(back.memoryBudgetMB, s.memoryBudgetMB);
        QCOMPARE(back.ridgeAbs, s.ridgeAbs);
        QCOMPARE(back.freeze, s.freeze);
        QVERIFY(json.value(QStringLiteral("seed")).isString()); // past 2^53

        s.seed = 12345;
        QVERIFY(s.toJson().value(QStringLiteral("seed")).isDouble());
        QCOMPARE(AnalysisSettings::fromJson(s.toJson(), QString()).seed, uint64_t(12345));
    }

    void missingKeysKeepDefaults()
    {
        const QJsonObject defaults = AnalysisSettings().toJson();
        QCOMPARE(AnalysisSettings::fromJson({}, QStringLiteral("f")).toJson(), defaults);
        const AnalysisSettings partial = AnalysisSettings::fromJson({{QStringLiteral("beta"), 0.5}}, QStringLiteral("f"));
        QCOMPARE(partial.beta, 0.5);
        QJsonObject expected = defaults;
        expected.insert(QStringLiteral("beta"), 0.5);
        QCOMPARE(partial.toJson(), expected);
    }

    void wrongTypes_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("int as string") << "permutations" << QJsonValue(QStringLiteral("10")) << "setting 'permutations' must be a whole number, got a string";
        QTest::newRow("int fraction") << "max_length" << QJsonValue(2.5) << "setting 'max_length' must be a whole number from";
        QTest::newRow("int too large") << "top_k" << QJsonValue(1e12) << "setting 'top_k' must be a whole number from";
        QTest::newRow("bool as number") << "include_bias" << QJsonValue(1) << "setting 'include_bias' must be true or false, got a number";
        QTest::newRow("string as number") << "fisher" << QJsonValue(2) << "setting 'fisher' must be a string, got a number";
        QTest::newRow("double as string") << "beta" << QJsonValue(QStringLiteral("0.9")) << "setting 'beta' must be a number, got a string";
        QTest::newRow("double as null") << "alpha" << QJsonValue(QJsonValue::Null) << "setting 'alpha' must be a number, got null";
        QTest::newRow("seed negative") << "seed" << QJsonValue(-1) << "setting 'seed' must be a whole number from 0 to 2^53";
        QTest::newRow("seed text") << "seed" << QJsonValue(QStringLiteral("12x")) << "setting 'seed' must be a decimal number";
        QTest::newRow("seed too big") << "seed" << QJsonValue(QStringLiteral("18446744073709551616")) << "setting 'seed' must be a decimal number";
        QTest::newRow("seed object") << "seed" << QJsonValue(QJsonObject()) << "setting 'seed' must be a whole number, got an object";
        QTest::newRow("budget array") << "memory_budget_mb" << QJsonValue(QJsonArray()) << "setting 'memory_budget_mb' must be a whole number, got an array";
    }
    void wrongTypes()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        const QString message = errorOf([&] { AnalysisSettings::fromJson({{key, value}}, QStringLiteral("/tmp/s.qkov")); });
        QVERIFY2(message.startsWith(QStringLiteral("/tmp/s.qkov: ") + expected), qPrintable(message));
    }

    void validateBranches_data()
    {
        using Edit = std::function<void(AnalysisSettings &)>;
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, Edit edit, const char *expected) {
            QTest::newRow(name) << edit << QString::fromUtf8(expected);
        };
        row("max-length", [](AnalysisSettings &s) { s.maxLength = 1; }, "--max-length: must be at least 2 (a sample needs two tokens), got 1");
        row("max-samples", [](AnalysisSettings &s) { s.maxSamples = -1; }, "--max-samples: must be at least 0 (0 = all records), got -1");
        row("batch-size", [](AnalysisSettings &s) { s.batchSize = 0; }, "--batch-size: must be at least 1, got 0");
        row("fisher", [](AnalysisSettings &s) { s.fisher = QStringLiteral("foo"); }, "--fisher: must be mean or ema, got 'foo'");
        row("beta 1", [](AnalysisSettings &s) { s.beta = 1.0; }, "--beta: must lie strictly between 0 and 1, got 1");
        row("beta 0", [](AnalysisSettings &s) { s.beta = 0.0; }, "--beta: must lie strictly between 0 and 1, got 0");
        row("beta nan", [](AnalysisSettings &s) { s.beta = std::nan(""); }, "--beta: must lie strictly between 0 and 1, got nan");
        row("fisher-ref", [](AnalysisSettings &s) { s.fisherRef = QStringLiteral("b"); }, "--fisher-ref: must be pooled or a, got 'b'");
        row("epsilon", [](AnalysisSettings &s) { s.epsilon = 0; }, "--epsilon: must be a finite number greater than 0, got 0");
        row("ridge-rel", [](AnalysisSettings &s) { s.ridgeRel = -1e-3; }, "--ridge-rel: must be a finite number of at least 0, got -0.001");
        row("ridge-abs", [](AnalysisSettings &s) { s.ridgeAbs = INFINITY; }, "--ridge-abs: must be a finite number of at least 0, got inf");
        row("variant", [](AnalysisSettings &s) { s.variant = QStringLiteral("ABS"); }, "--variant: must be abs, signed or symmetric, got 'ABS'");
        row("top-k", [](AnalysisSettings &s) { s.topK = 0; }, "--top-k: must be at least 1, got 0");
        row("permutations", [](AnalysisSettings &s) { s.permutations = -1; }, "--permutations: must be at least 0, got -1");
        row("permutations max", [](AnalysisSettings &s) { s.permutations = 200'000; }, "--permutations: must be at most 100000, got 200000");
        row("bootstrap", [](AnalysisSettings &s) { s.bootstrap = -5; }, "--bootstrap: must be at least 1, got -5");
        row("bootstrap max", [](AnalysisSettings &s) { s.bootstrap = 100'001; }, "--bootstrap: must be at most 100000, got 100001");
        row("alpha", [](AnalysisSettings &s) { s.alpha = 1.5; }, "--alpha: must lie strictly between 0 and 1, got 1.5");
        row("min-effect", [](AnalysisSettings &s) { s.minEffect = -0.1; }, "--min-effect: must be a finite number of at least 0, got -0.1");
        row("fdr-family", [](AnalysisSettings &s) { s.fdrFamily = QStringLiteral("layer"); }, "--fdr-family: must be block or all, got 'layer'");
        row("threads", [](AnalysisSettings &s) { s.threads = -2; }, "--threads: must be at least 0 (0 = all cores), got -2");
        row("memory-budget", [](AnalysisSettings &s) { s.memoryBudgetMB = 63; }, "--memory-budget: must be at least 64 MB, got 63");
        row("gradient-storage", [](AnalysisSettings &s) { s.gradientStorage = QStringLiteral("f16"); }, "--gradient-storage: must be float32 or bfloat16, got 'f16'");
        row("device", [](AnalysisSettings &s) { s.device = QStringLiteral("tpu"); }, "--device: must be cpu, cuda or cuda:N, got 'tpu'");
    }
    void validateBranches()
    {
        using Edit = std::function<void(AnalysisSettings &)>;
        QFETCH(Edit, edit);
        QFETCH(QString, expected);
        AnalysisSettings s;
        edit(s);
        QCOMPARE(errorOf([&] { s.validate(); }), expected);
    }

    void validateAcceptsBoundaries()
    {
        AnalysisSettings s;
        s.maxLength = 2;
        s.maxSamples = 0;
        s.batchSize = 1;
        s.permutations = 0; // scores without p-values
        s.bootstrap = 100'000;
        s.ridgeRel = 0;
        s.minEffect = 0;
        s.threads = 0;
        s.memoryBudgetMB = 64;
        s.device = QStringLiteral("cuda:0");
        QCOMPARE(errorOf([&] { s.validate(); }), QString());
    }
};

QTEST_GUILESS_MAIN(TestSessionSettings)
#include "tst_session_settings.moc"
