#include "evaluation/candidate_scores.h"

#include "models/eval_mode.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "features/inject.h"

namespace ufm {
namespace {

constexpr std::int64_t kMaxForwardImages = 2048;


at::Tensor prepare(const at::Tensor& raw, const StampSpec& stamp) {
  return stamp.normalise ? normalise(raw, stamp.normalisation) : raw.contiguous();
}

// The model-input value of a stamped pixel of `channel` holding `bit`.
float stamped_value(const StampSpec& stamp, std::int64_t channel, std::uint8_t bit) {
  if (!stamp.normalise) return static_cast<float>(bit);
  const auto c = static_cast<std::size_t>(channel);
  return static_cast<float>((bit - stamp.normalisation.mean.at(c)) / stamp.normalisation.std.at(c));
}

// [P, C, rows, cols]: every pattern's stamped values in model-input units.
at::Tensor stamped_values(const std::vector<Pattern>& patterns, std::int64_t channels, const StampSpec& stamp) {
  const Pattern& first = patterns.front();
  std::vector<float> values;
  values.reserve(patterns.size() * static_cast<std::size_t>(channels) * first.bits.size());
  for (const Pattern& pattern : patterns) {
    for (std::int64_t c = 0; c < channels; ++c) {
      for (std::uint8_t bit : pattern.bits) values.push_back(stamped_value(stamp, c, bit));
    }
  }
  return at::tensor(values, at::kFloat)
      .reshape({static_cast<std::int64_t>(patterns.size()), channels, first.rows, first.cols});
}

void check_patterns(const std::vector<Pattern>& patterns, const at::Tensor& raw, const StampSpec& stamp) {
  UFM_CHECK(raw.dim() == 4, RuntimeError, "candidate_means: expected images [N,C,H,W], got ", raw.dim(),
            " dimensions");
  UFM_CHECK(!patterns.empty(), RuntimeError, "candidate_means: no patterns to score");
  const Pattern& first = patterns.front();
  check_pattern_fits(first, stamp.offset, raw.size(2), raw.size(3), "feature.offset");
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    UFM_CHECK(patterns[i].rows == first.rows && patterns[i].cols == first.cols, ConfigError,
              "evaluation.candidate_list: candidate ", i, " is ", patterns[i].rows, "x", patterns[i].cols,
              ", expected ", first.rows, "x", first.cols, " like the feature");
  }
}

// Reduces log-softmax outputs [chunk, N, K] into the per-pattern means at rows [begin, begin+chunk).
void accumulate(const at::Tensor& log_probs, std::int64_t begin, CandidateMeans& out) {
  const double n = static_cast<double>(log_probs.size(1));
  const at::Tensor mean_log = (log_probs.sum(1, false, at::kDouble) / n).contiguous();
  const at::Tensor mean_p = (log_probs.exp().sum(1, false, at::kDouble) / n).contiguous();
  std::copy(mean_log.data_ptr<double>(), mean_log.data_ptr<double>() + mean_log.numel(),
            out.mean_log_prob.begin() + begin * out.classes);
  std::copy(mean_p.data_ptr<double>(), mean_p.data_ptr<double>() + mean_p.numel(),
            out.mean_prob.begin() + begin * out.classes);
}

// The first traced layer when it is a linear layer reading exactly the flattened input.
torch::nn::LinearImpl* first_linear_on_input(Classifier& model, const at::Tensor& x) {
  LayerTrace trace;
  const at::Tensor logits = model.forward_traced(x, &trace);
  if (trace.empty() || trace.front().kind != "linear") return nullptr;
  const at::Tensor& input = trace.front().input;
  if (input.dim() != 2 || input.size(0) != x.size(0) || input.size(1) != x[0].numel()) return nullptr;
  if (!at::equal(input, x.flatten(1))) return nullptr;
  auto* linear = dynamic_cast<torch::nn::LinearImpl*>(trace.front().layer);
  if (!linear) return nullptr;
  const at::Tensor rest = model.forward_from_first_layer(trace.front().output);
  if (!rest.defined() || !at::allclose(rest, logits, 1e-5, 1e-5)) return nullptr;
  return linear;
}

CandidateMeans fast_means(Classifier& model, torch::nn::LinearImpl& first, const at::Tensor& x,
                          const std::vector<Pattern>& patterns, const StampSpec& stamp, std::int64_t chunk_bytes,
                          std::int64_t classes, CandidateMeans out) {
  const std::int64_t n = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
  const Pattern& shape = patterns.front();
  // Flat input indices of the stamped pixels, in the order of stamped_values: channel, row, column.
  std::vector<std::int64_t> columns;
  for (std::int64_t c = 0; c < channels; ++c) {
    for (int r = 0; r < shape.rows; ++r) {
      for (int q = 0; q < shape.cols; ++q) columns.push_back((c * height + stamp.offset + r) * width + stamp.offset + q);
    }
  }
  const at::Tensor index = at::tensor(columns, at::kLong);
  const at::Tensor flat = x.flatten(1);
  const at::Tensor weight = first.weight;                  // [hidden, D]
  const at::Tensor patch_weight = weight.index_select(1, index);  // [hidden, P_pix]
  // z_i − W_P x_{i,P}: the pre-activation with the patch pixels' contribution removed.
  at::Tensor base = at::linear(flat, weight, first.bias) - at::matmul(flat.index_select(1, index), patch_weight.t());
  const at::Tensor values = stamped_values(patterns, channels, stamp).reshape({static_cast<std::int64_t>(patterns.size()), -1});
  const at::Tensor added = at::matmul(values, patch_weight.t());  // [P, hidden]: W_P v_π
  const std::int64_t hidden = weight.size(0);
  const std::int64_t per_pattern = std::max<std::int64_t>(1, n * hidden * 4);
  const std::int64_t chunk = std::max<std::int64_t>(1, chunk_bytes / per_pattern);
  const auto count = static_cast<std::int64_t>(patterns.size());
  for (std::int64_t begin = 0; begin < count; begin += chunk) {
    const std::int64_t size = std::min(chunk, count - begin);
    const at::Tensor z = (base.unsqueeze(0) + added.narrow(0, begin, size).unsqueeze(1)).reshape({size * n, hidden});
    const at::Tensor logits = model.forward_from_first_layer(z);
    accumulate(at::log_softmax(logits, 1).reshape({size, n, classes}), begin, out);
  }
  out.fast = true;
  return out;
}

CandidateMeans full_means(Classifier& model, const at::Tensor& x, const std::vector<Pattern>& patterns,
                          const StampSpec& stamp, std::int64_t chunk_bytes, std::int64_t classes, CandidateMeans out) {
  const std::int64_t n = x.size(0), channels = x.size(1);
  const Pattern& shape = patterns.front();
  const at::Tensor values = stamped_values(patterns, channels, stamp);  // [P, C, rows, cols]
  const std::int64_t per_pattern = std::max<std::int64_t>(1, x.numel() * 4);
  const std::int64_t chunk = std::max<std::int64_t>(1, chunk_bytes / per_pattern);
  const auto count = static_cast<std::int64_t>(patterns.size());
  for (std::int64_t begin = 0; begin < count; begin += chunk) {
    const std::int64_t size = std::min(chunk, count - begin);
    at::Tensor stamped = x.unsqueeze(0).repeat({size, 1, 1, 1, 1});  // [size, N, C, H, W]
    auto window = stamped.narrow(3, stamp.offset, shape.rows).narrow(4, stamp.offset, shape.cols);
    window.copy_(values.narrow(0, begin, size).unsqueeze(1).expand_as(window));
    const at::Tensor batch = stamped.reshape({size * n, x.size(1), x.size(2), x.size(3)});
    // Bounded forward batches: a CNN's activations are many times its input.
    std::vector<at::Tensor> parts;
    for (std::int64_t from = 0; from < size * n; from += kMaxForwardImages) {
      const std::int64_t images = std::min(kMaxForwardImages, size * n - from);
      parts.push_back(at::log_softmax(model.forward(batch.narrow(0, from, images)), 1));
    }
    accumulate(at::cat(parts, 0).reshape({size, n, classes}), begin, out);
  }
  return out;
}

}  // namespace

bool fast_candidate_path_available(Classifier& model, const at::Tensor& raw_images, const StampSpec& stamp) {
  if (raw_images.dim() != 4 || raw_images.size(0) == 0) return false;
  at::NoGradGuard no_grad;
  EvalModeGuard eval(model);
  return first_linear_on_input(model, prepare(raw_images.narrow(0, 0, 1), stamp)) != nullptr;
}

CandidateMeans candidate_means(Classifier& model, const at::Tensor& raw_images, const std::vector<Pattern>& patterns,
                               const StampSpec& stamp, CandidatePath path, std::int64_t chunk_bytes) {
  check_patterns(patterns, raw_images, stamp);
  at::NoGradGuard no_grad;
  EvalModeGuard eval(model);
  const at::Tensor x = prepare(raw_images.to(at::kFloat), stamp);
  CandidateMeans out;
  out.patterns = static_cast<std::int64_t>(patterns.size());
  out.images = x.size(0);
  // The class count comes from one forward pass (of a blank image when there are none).
  const at::Tensor probe = x.size(0) > 0 ? x.narrow(0, 0, 1) : at::zeros({1, x.size(1), x.size(2), x.size(3)});
  out.classes = model.forward(probe).size(1);
  const auto cells = static_cast<std::size_t>(out.patterns * out.classes);
  if (out.images == 0) {
    out.mean_log_prob.assign(cells, std::numeric_limits<double>::quiet_NaN());
    out.mean_prob.assign(cells, std::numeric_limits<double>::quiet_NaN());
    return out;
  }
  out.mean_log_prob.assign(cells, 0.0);
  out.mean_prob.assign(cells, 0.0);
  torch::nn::LinearImpl* first = path == CandidatePath::kFull ? nullptr : first_linear_on_input(model, probe);
  UFM_CHECK(first || path != CandidatePath::kFast, RuntimeError,
            "candidate_means: the fast path needs a first linear layer on the flattened input and "
            "forward_from_first_layer; this model has neither");
  if (first) return fast_means(model, *first, x, patterns, stamp, chunk_bytes, out.classes, std::move(out));
  return full_means(model, x, patterns, stamp, chunk_bytes, out.classes, std::move(out));
}

CandidateScores score_candidates(Classifier& model, const at::Tensor& raw_images, const at::Tensor& labels,
                                 std::int64_t label, const std::vector<Pattern>& patterns, const StampSpec& stamp,
                                 std::int64_t probe_limit, CandidatePath path) {
  UFM_CHECK(labels.dim() == 1 && labels.size(0) == raw_images.size(0), ConfigError,
            "ood: expected one label per probe image (", raw_images.size(0), " images), found ",
            labels.dim() == 1 ? labels.size(0) : labels.numel(), " labels");
  const at::Tensor label_mask = labels.to(at::kLong) == label;
  const at::Tensor own = raw_images.index({label_mask});
  CandidateScores scores;
  scores.known_means = candidate_means(model, own, patterns, stamp, path);
  UFM_CHECK(label >= 0 && label < scores.known_means.classes, RuntimeError, "score_candidates: expected a label in [0, ",
            scores.known_means.classes, "), found ", label);
  scores.known_images = own.size(0);
  const std::int64_t limit =
      probe_limit > 0 ? std::min<std::int64_t>(probe_limit, raw_images.size(0)) : raw_images.size(0);
  const at::Tensor subsample = raw_images.narrow(0, 0, limit);
  scores.unknown_means = candidate_means(model, subsample, patterns, stamp, path);
  scores.unknown_images = limit;
  // Clean-image mean probabilities for the label guess, as M14 does with p^c.
  std::vector<double> clean(static_cast<std::size_t>(scores.unknown_means.classes), 0.0);
  if (limit > 0) {
    at::NoGradGuard no_grad;
    EvalModeGuard eval(model);
    const at::Tensor p = at::softmax(model.forward(prepare(subsample.to(at::kFloat), stamp)), 1)
                             .sum(0, false, at::kDouble)
                             .div(static_cast<double>(limit))
                             .contiguous();
    std::copy(p.data_ptr<double>(), p.data_ptr<double>() + p.numel(), clean.begin());
  }
  const std::int64_t count = scores.known_means.patterns;
  for (std::int64_t i = 0; i < count; ++i) {
    scores.known.push_back(scores.known_means.log_prob(i, label));
    std::int64_t best = 0;
    for (std::int64_t k = 1; k < scores.unknown_means.classes; ++k) {
      // The first maximum wins, as numpy's argmax (M14).
      if (scores.unknown_means.prob(i, k) - clean[static_cast<std::size_t>(k)] >
          scores.unknown_means.prob(i, best) - clean[static_cast<std::size_t>(best)])
        best = k;
    }
    scores.unknown_label.push_back(best);
    scores.unknown.push_back(limit > 0 ? scores.unknown_means.log_prob(i, best)
                                       : std::numeric_limits<double>::quiet_NaN());
  }
  return scores;
}

}  // namespace ufm
