#include "training/training_options.h"

#include "core/error.h"

namespace ufm {

void TrainingOptions::validate() const {
  UFM_CHECK(optimizer == "adam" || optimizer == "sgd", ConfigError, "train.optimizer: expected adam or sgd, got '",
            optimizer, "'");
  UFM_CHECK(momentum >= 0 && momentum < 1, ConfigError, "train.momentum: expected in [0, 1), got ", momentum);
  UFM_CHECK(weight_decay >= 0, ConfigError, "train.weight_decay: expected >= 0, got ", weight_decay);
  UFM_CHECK(weight_decay_mode == "l2" || weight_decay_mode == "decoupled", ConfigError,
            "train.weight_decay_mode: expected l2 or decoupled, got '", weight_decay_mode, "'");
  UFM_CHECK(learning_rate > 0, ConfigError, "train.learning_rate: expected > 0, got ", learning_rate);
  UFM_CHECK(beta1 >= 0 && beta1 < 1, ConfigError, "train.beta1: expected in [0, 1), got ", beta1);
  UFM_CHECK(beta2 >= 0 && beta2 < 1, ConfigError, "train.beta2: expected in [0, 1), got ", beta2);
  UFM_CHECK(epsilon > 0, ConfigError, "train.epsilon: expected > 0, got ", epsilon);
  UFM_CHECK(batch_size >= 1, ConfigError, "train.batch_size: expected >= 1, got ", batch_size);
  UFM_CHECK(max_epochs >= 1, ConfigError, "train.max_epochs: expected >= 1, got ", max_epochs);
  UFM_CHECK(patience >= 1, ConfigError, "train.patience: expected >= 1, got ", patience);
}

}  // namespace ufm
