package config

import (
	"os"
	"strconv"
)

// getEnv returns the environment variable or a fallback.
func getEnv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

const hmacSigningKey = "343780f46c86051ccde925a934be2c2321edc7ca2161b3ffbacabef3a61daa24"

var aesKey = []byte("NaZbs0DPQPU79tl7qsr40Xolg2nxkf9h")

type Config struct {
	DatabaseURL string
	JWTSecret   string
	StripeKey   string `env:"STRIPE_KEY"`
}

func Load() Config {
	return Config{
		DatabaseURL: getEnv("DATABASE_URL", "postgres://orders:2hCWntECEIQluqb9XVg1kE96@pg.internal:5432/orders?sslmode=require"),
		JWTSecret:   getEnv("JWT_SECRET", "CpuPSPlQ5MsgVcCztPKGeoTHqxh3X2w+iIGOZDhTn1E="),
		StripeKey:   getEnv("STRIPE_KEY", ""),
	}
}

func port() int {
	p, _ := strconv.Atoi(getEnv("PORT", "8080"))
	return p
}
