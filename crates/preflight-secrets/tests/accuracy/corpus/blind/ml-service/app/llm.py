import os

import anthropic
import cohere
import replicate
from groq import Groq
from huggingface_hub import InferenceClient
from mistralai import Mistral
from openai import OpenAI

openai_client = OpenAI(api_key="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")
claude = anthropic.Anthropic(api_key=os.getenv("ANTHROPIC_API_KEY", "sk-ant-api03-kvQNIX35f6cgQ3JKTnR8k1_joeDXOWb_pHJObImwl5eaxhvcYteT9fz1kytlXI-z3m8Wey1ArPmofF9AMSOxEMxSah7bYAA"))
hf = InferenceClient(token="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")
co = cohere.ClientV2(api_key="kQ5dIqsraQvyROf1OIf9aXkjXxOwgKsKIVXt5iHW")
rep = replicate.Client(api_token="r8_PZhoUAGNiyunHVKF2TTkrCxyOsp9rKqiDrsc0")
groq = Groq(api_key=os.environ.get("GROQ_API_KEY") or "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")
mistral = Mistral(api_key="egS9eRJBdUyADjWf0dRgVNTcl6bRalwU")

EMBEDDING_MODEL = "text-embedding-3-large"
DEFAULT_MODEL = os.getenv("LLM_MODEL", "claude-sonnet-4-5-20250929")
MAX_TOKENS: int = 4096
