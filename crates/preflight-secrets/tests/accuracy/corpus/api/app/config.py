from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    app_name: str = "orders-api"
    request_id_header: str = "X-Request-ID"
    default_tenant: str = "e695202a-3cb9-4eda-b3d0-984bb0a0d5e6"
    openai_api_key: str = Field(default="sk-proj-your-key-here")
    anthropic_api_key: str = "sk-ant-api03-7G3M1tdgC0O8HkL4w6NEQTDvz4C4VnyhNQtd1sd6Qmn5JxrUf1Ba1JD94p_umwGXtcpybwWYGEL90XDPurlsJ8DFeGJ27AA"
    groq_api_key: str = Field(default="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")
    cohere_api_key: str = Field(default_factory=lambda: os.environ["COHERE_API_KEY"])
    mistral_api_key: str = "eb3XTwGEJY8YPf8TKXRa2DqrqXTtdJIE"
    hf_token: str = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    pinecone_api_key: str = "pcsk_lSNle1_TbUT8ksUkhYbclQpuRpQAyNP4ZiUaDfqXYjZt7KooPGA0tJcuB5CfJCWpgew03S"
    database_url: str = "postgresql+asyncpg://orders:3pLlWJXzsWstDGzCC1Aw@db.internal:5432/orders"
    cache_url: str = "redis://localhost:6379/1"


@lru_cache
def get_settings() -> Settings:
    return Settings()
