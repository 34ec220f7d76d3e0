#include "DemoTrainer.h"

#include "DemoTasks.h"
#include "jobs/JobContext.h"
#include "tokenizer/Tokenizer.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QSet>

#include <cmath>
#include <deque>

namespace qkov::demo {

namespace {

// Adam (Kingma & Ba) with bias correction, updating the tensors in place.
class Adam
{
public:
    Adam(const std::vector<std::pair<QString, at::Tensor>> &parameters, const DemoSchedule &s)
        : m_schedule(s)
    {
        for (const auto &entry : parameters) {
            m_parameters.push_back(entry.second);
            m_first.push_back(at::zeros_like(entry.second));
            m_second.push_back(at::zeros_like(entry.second));
        }
    }

    // Clips the gradients' global norm to clipNorm, then steps with `lr`.
    void step(double lr)
    {
        at::NoGradGuard noGrad;
        ++m_step;
        std::vector<at::Tensor> norms;
        for (const at::Tensor &p : m_parameters)
            norms.push_back(p.grad().pow(2).sum());
        const double norm = std::sqrt(at::stack(norms).sum().item<double>());
        const double clip = norm > m_schedule.clipNorm ? m_schedule.clipNorm / norm : 1.0;
        const double b1 = m_schedule.beta1, b2 = m_schedule.beta2;
        const double correction1 = 1.0 - std::pow(b1, m_step);
        const double correction2 = 1.0 - std::pow(b2, m_step);
        for (size_t i = 0; i < m_parameters.size(); ++i) {
            at::Tensor &p = m_parameters[i];
            const at::Tensor g = p.grad() * clip;
            m_first[i].mul_(b1).add_(g, 1.0 - b1);
            m_second[i].mul_(b2).addcmul_(g, g, 1.0 - b2);
            const at::Tensor denominator = (m_second[i] / correction2).sqrt_().add_(m_schedule.adamEpsilon);
            p.addcdiv_(m_first[i], denominator, -lr / correction1);
            p.mutable_grad().zero_();
        }
    }

private:
    DemoSchedule m_schedule;
    std::vector<at::Tensor> m_parameters, m_first, m_second;
    int m_step = 0;
};

} // namespace

double DemoSchedule::learningRateAt(int step) const
{
    if (step < warmupSteps)
        return learningRate * double(step + 1) / double(warmupSteps);
    const double span = std::max(1, steps - warmupSteps);
    const double progress = std::min(1.0, double(step - warmupSteps) / span);
    return finalLearningRate + 0.5 * (learningRate - finalLearningRate) * (1.0 + std::cos(M_PI * progress));
}

std::vector<std::vector<int>> encodeRecords(const QStringList &records, const Tokenizer &tokenizer)
{
    std::vector<std::vector<int>> sequences;
    sequences.reserve(size_t(records.size()));
    for (const QString &r : records)
        sequences.push_back(tokenizer.encode(r, /*addSpecialTokens=*/true));
    return sequences;
}

double meanLoss(const DemoNetwork &network, const std::vector<std::vector<int>> &sequences)
{
    at::NoGradGuard noGrad;
    const TokenBatchPair batch = padBatch(sequences);
    return perSampleLoss(network.forward(batch.ids), batch.ids, batch.mask).mean().item<double>();
}

DemoTrainingResult trainDemoNetwork(DemoNetwork &network, const Tokenizer &tokenizer,
                                    const DemoSchedule &schedule, const QStringList &heldOutA,
                                    const QStringList &heldOutB, JobContext &job)
{
    // The held-out files must stay unseen: records drawn equal to one are skipped.
    QSet<QString> heldOut;
    for (const QString &r : heldOutA + heldOutB)
        heldOut.insert(r);
    DemoRandom stream(schedule.seed * 0x100000001b3ull + 17);
    auto draw = [&](QString (*make)(DemoRandom &)) {
        QString r;
        do
            r = make(stream);
        while (heldOut.contains(r));
        return r;
    };

    Adam adam(network.parameters(), schedule);
    job.setStage(tr("Training the demo model"));
    std::deque<double> recent;
    for (int step = 0; step < schedule.steps; ++step) {
        QStringList records;
        for (int i = 0; i < schedule.recordsPerTask; ++i)
            records << draw(&repeatedSegmentRecord);
        for (int i = 0; i < schedule.recordsPerTask; ++i)
            records << draw(&additionRecord);
        const TokenBatchPair batch = padBatch(encodeRecords(records, tokenizer));
        const at::Tensor loss = perSampleLoss(network.forward(batch.ids), batch.ids, batch.mask).mean();
        loss.backward();
        adam.step(schedule.learningRateAt(step));
        recent.push_back(loss.item<double>());
        if (recent.size() > 50)
            recent.pop_front();
        job.setProgress(step + 1, schedule.steps); // also checks for cancellation
    }

    job.setStage(tr("Evaluating the held-out tasks"));
    DemoTrainingResult result;
    result.lossA = meanLoss(network, encodeRecords(heldOutA, tokenizer));
    result.lossB = meanLoss(network, encodeRecords(heldOutB, tokenizer));
    for (double l : recent)
        result.finalTrainingLoss += l / double(recent.size());
    return result;
}

} // namespace qkov::demo
