#pragma once
/// The authors' CNNs as one family: 3×3 conv layers (each followed by ReLU, some by a 2×2
/// max pool), then flatten, dense ReLU layers and the output layer. cnn1 and cnn2 are two
/// specs of it; a new CNN of this shape is one more spec and one registry line.
///
/// Variants (ModelOptions): batch norm after every conv and hidden dense, before its ReLU;
/// dropout after every ReLU — 0.2 after a conv, 0.5 after a dense (the authors'
/// get_cnn_2_do(); their code has no cnn1 variants, so cnn1 gets the same rule).
#include <cstdint>
#include <string>
#include <vector>

#include "models/classifier.h"
#include "models/model_registry.h"

namespace ufm {

struct ConvLayerSpec {
  std::int64_t channels = 32;
  /// Keras padding 'same' (output as large as the input) instead of its default 'valid'.
  bool same_padding = false;
  /// A 2×2 max pool (stride 2, floor: Keras 'valid') after this layer's ReLU and dropout.
  bool pool_after = false;
};

struct ConvNetSpec {
  std::string name;  ///< for error messages
  std::vector<ConvLayerSpec> convs;
  std::vector<std::int64_t> dense;  ///< hidden dense widths after flatten
};

/// conv32 3×3 valid → conv64 3×3 valid → maxpool2 → flatten → dense128 → dense128 → classes
/// (the authors' get_cnn1()).
ConvNetSpec cnn1_spec();

/// conv32 same → conv32 same → maxpool2 → conv64 same → conv64 same → maxpool2 → flatten →
/// dense1024 → classes (the authors' get_cnn_2()).
ConvNetSpec cnn2_spec();

class ConvNet : public Classifier {
 public:
  /// Throws ConfigError when the input is too small for the spec's convs and pools.
  ConvNet(const InputShape& shape, const ConvNetSpec& spec, const ModelOptions& options);
};

}  // namespace ufm
