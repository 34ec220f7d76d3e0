#pragma once
// config.json files of real checkpoints, trimmed to the keys that matter,
// with the spellings and values the HF Hub files use.

namespace samples {

// meta-llama/Llama-2-7b-hf
inline const char *llama2 = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama",
  "hidden_size": 4096, "intermediate_size": 11008, "num_attention_heads": 32,
  "num_hidden_layers": 32, "num_key_value_heads": 32, "max_position_embeddings": 4096,
  "rms_norm_eps": 1e-05, "rope_scaling": null, "tie_word_embeddings": false,
  "hidden_act": "silu", "vocab_size": 32000, "bos_token_id": 1, "eos_token_id": 2,
  "pad_token_id": 0, "torch_dtype": "float16", "pretraining_tp": 1
})";

// meta-llama/Llama-3.1-8B
inline const char *llama31 = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "attention_bias": false,
  "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
  "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072,
  "mlp_bias": false, "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 128256
})";

// mistralai/Mistral-7B-v0.1
inline const char *mistral = R"({
  "architectures": ["MistralForCausalLM"], "model_type": "mistral", "bos_token_id": 1, "eos_token_id": 2,
  "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 32768,
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
  "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false, "vocab_size": 32000
})";

// mistralai/Mixtral-8x7B-v0.1
inline const char *mixtral = R"({
  "architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 4096,
  "intermediate_size": 14336, "max_position_embeddings": 32768, "num_attention_heads": 32,
  "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "vocab_size": 32000
})";

// Qwen/Qwen2-0.5B
inline const char *qwen2 = R"({
  "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "bos_token_id": 151643,
  "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "intermediate_size": 4864,
  "max_position_embeddings": 131072, "num_attention_heads": 14, "num_hidden_layers": 24,
  "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
  "tie_word_embeddings": true, "vocab_size": 151936
})";

// google/gemma-7b (hidden_act "gelu" as originally published, no tie key)
inline const char *gemma = R"({
  "architectures": ["GemmaForCausalLM"], "model_type": "gemma", "bos_token_id": 2, "eos_token_id": 1,
  "pad_token_id": 0, "head_dim": 256, "hidden_act": "gelu", "hidden_size": 3072,
  "intermediate_size": 24576, "max_position_embeddings": 8192, "num_attention_heads": 16,
  "num_hidden_layers": 28, "num_key_value_heads": 16, "rms_norm_eps": 1e-06, "rope_theta": 10000.0,
  "vocab_size": 256000
})";

// google/gemma-2-2b
inline const char *gemma2 = R"({
  "architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "attn_logit_softcapping": 50.0,
  "final_logit_softcapping": 30.0, "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh",
  "hidden_size": 2304, "intermediate_size": 9216, "max_position_embeddings": 8192,
  "num_attention_heads": 8, "num_hidden_layers": 26, "num_key_value_heads": 4,
  "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096,
  "vocab_size": 256000
})";

// Qwen/Qwen-7B (QWenConfig, trust_remote_code)
inline const char *qwen1 = R"({
  "architectures": ["QWenLMHeadModel"], "model_type": "qwen", "hidden_size": 4096,
  "intermediate_size": 22016, "kv_channels": 128, "layer_norm_epsilon": 1e-06,
  "max_position_embeddings": 32768, "no_bias": true, "num_attention_heads": 32, "num_hidden_layers": 32,
  "rotary_emb_base": 10000, "rotary_pct": 1.0, "seq_length": 8192, "tie_word_embeddings": false,
  "vocab_size": 151936
})";

// microsoft/phi-2
inline const char *phi2 = R"({
  "architectures": ["PhiForCausalLM"], "model_type": "phi", "bos_token_id": 50256, "eos_token_id": 50256,
  "hidden_act": "gelu_new", "hidden_size": 2560, "intermediate_size": 10240, "layer_norm_eps": 1e-05,
  "max_position_embeddings": 2048, "num_attention_heads": 32, "num_hidden_layers": 32,
  "num_key_value_heads": null, "partial_rotary_factor": 0.4, "qk_layernorm": false, "rope_scaling": null,
  "rope_theta": 10000.0, "tie_word_embeddings": false, "vocab_size": 51200
})";

// microsoft/Phi-3-mini-4k-instruct
inline const char *phi3 = R"({
  "architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "bos_token_id": 1, "eos_token_id": 32000,
  "hidden_act": "silu", "hidden_size": 3072, "intermediate_size": 8192, "max_position_embeddings": 4096,
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
  "original_max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_scaling": null,
  "rope_theta": 10000.0, "sliding_window": 2047, "tie_word_embeddings": false, "vocab_size": 32064
})";

// openai-community/gpt2
inline const char *gpt2 = R"({
  "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "bos_token_id": 50256,
  "eos_token_id": 50256, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024,
  "n_embd": 768, "n_head": 12, "n_inner": null, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257
})";

// EleutherAI/pythia-70m
inline const char *pythia = R"({
  "architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "gelu",
  "hidden_size": 512, "intermediate_size": 2048, "layer_norm_eps": 1e-05, "max_position_embeddings": 2048,
  "model_type": "gpt_neox", "num_attention_heads": 8, "num_hidden_layers": 6, "rotary_emb_base": 10000,
  "rotary_pct": 0.25, "tie_word_embeddings": false, "use_parallel_residual": true, "vocab_size": 50304
})";

// tiiuae/falcon-7b (current "falcon" spelling)
inline const char *falcon7b = R"({
  "alibi": false, "architectures": ["FalconForCausalLM"], "bias": false, "bos_token_id": 11,
  "eos_token_id": 11, "hidden_size": 4544, "layer_norm_epsilon": 1e-05, "model_type": "falcon",
  "multi_query": true, "new_decoder_architecture": false, "num_attention_heads": 71,
  "num_hidden_layers": 32, "parallel_attn": true, "vocab_size": 65024
})";

// tiiuae/falcon-40b (original "RefinedWeb" spelling)
inline const char *falcon40b = R"({
  "alibi": false, "architectures": ["RWForCausalLM"], "bias": false, "hidden_size": 8192,
  "layer_norm_epsilon": 1e-05, "model_type": "RefinedWeb", "n_head": 128, "n_head_kv": 8, "n_layer": 60,
  "parallel_attn": true, "vocab_size": 65024
})";

// facebook/opt-350m
inline const char *opt350m = R"({
  "activation_function": "relu", "architectures": ["OPTForCausalLM"], "do_layer_norm_before": false,
  "enable_bias": true, "ffn_dim": 4096, "hidden_size": 1024, "max_position_embeddings": 2048,
  "model_type": "opt", "num_attention_heads": 16, "num_hidden_layers": 24, "pad_token_id": 1,
  "vocab_size": 50272, "word_embed_proj_dim": 512
})";

// bigscience/bloom-560m, and the original BigScience spelling with n_embed
inline const char *bloom = R"({
  "architectures": ["BloomForCausalLM"], "layer_norm_epsilon": 1e-05, "model_type": "bloom",
  "n_head": 16, "n_layer": 24, "hidden_size": 1024, "vocab_size": 250880
})";
inline const char *bloomLegacy = R"({
  "architectures": ["BloomForCausalLM"], "model_type": "bloom", "n_head": 16, "n_layer": 24,
  "n_embed": 1024, "vocab_size": 250880
})";

// google-bert/bert-base-uncased and FacebookAI/roberta-base
inline const char *bert = R"({
  "architectures": ["BertForMaskedLM"], "hidden_act": "gelu", "hidden_size": 768,
  "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
  "model_type": "bert", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
  "type_vocab_size": 2, "vocab_size": 30522
})";
inline const char *roberta = R"({
  "architectures": ["RobertaForMaskedLM"], "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "gelu",
  "hidden_size": 768, "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 514,
  "model_type": "roberta", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 1,
  "type_vocab_size": 1, "vocab_size": 50265
})";

// google/flan-t5-small
inline const char *flanT5 = R"({
  "architectures": ["T5ForConditionalGeneration"], "d_ff": 1024, "d_kv": 64, "d_model": 512,
  "decoder_start_token_id": 0, "eos_token_id": 1, "feed_forward_proj": "gated-gelu",
  "is_encoder_decoder": true, "layer_norm_epsilon": 1e-06, "model_type": "t5", "num_decoder_layers": 8,
  "num_heads": 6, "num_layers": 8, "pad_token_id": 0, "relative_attention_num_buckets": 32,
  "tie_word_embeddings": false, "vocab_size": 32128
})";

// google/vit-base-patch16-224
inline const char *vit = R"({
  "architectures": ["ViTForImageClassification"], "hidden_act": "gelu", "hidden_size": 768,
  "image_size": 224, "intermediate_size": 3072, "layer_norm_eps": 1e-12, "model_type": "vit",
  "num_attention_heads": 12, "num_channels": 3, "num_hidden_layers": 12, "patch_size": 16,
  "qkv_bias": true
})";

// openai/clip-vit-base-patch32 (towers trimmed), and a diff-style save of a
// CLIP whose towers differ from the defaults in one key each.
inline const char *clip = R"({
  "architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 512,
  "text_config": {"hidden_act": "quick_gelu", "hidden_size": 512, "intermediate_size": 2048,
                  "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "model_type": "clip_text_model",
                  "num_attention_heads": 8, "num_hidden_layers": 12, "vocab_size": 49408,
                  "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1},
  "vision_config": {"hidden_act": "quick_gelu", "hidden_size": 768, "image_size": 224,
                    "intermediate_size": 3072, "layer_norm_eps": 1e-05, "model_type": "clip_vision_model",
                    "num_attention_heads": 12, "num_hidden_layers": 12, "patch_size": 32},
  "torch_dtype": "float32"
})";
inline const char *clipDiff = R"({
  "architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 768,
  "text_config": {"hidden_size": 768, "num_attention_heads": 12},
  "vision_config": {"hidden_size": 1024, "num_attention_heads": 16, "num_hidden_layers": 24,
                    "intermediate_size": 4096, "patch_size": 14}
})";

} // namespace samples
