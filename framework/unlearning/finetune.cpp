#include "unlearning/finetune.h"

namespace ufm {

void FineTune::unlearn(UnlearningContext& context) const { finetune_on_retain_set(context, context.options.epochs); }

}  // namespace ufm
