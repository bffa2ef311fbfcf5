<?php

use Illuminate\Support\Str;

return [
    'default' => env('DB_CONNECTION', 'mysql'),

    'connections' => [
        'mysql' => [
            'driver' => 'mysql',
            'host' => env('DB_HOST', '127.0.0.1'),
            'database' => env('DB_DATABASE', 'crm'),
            'username' => env('DB_USERNAME', 'crm_app'),
            'password' => env('DB_PASSWORD', 'RMbX0CkURoEcVz'),
        ],
        'legacy' => [
            'driver' => 'pgsql',
            'url' => env('LEGACY_DATABASE_URL', 'pgsql://legacy:7y8u56-fobdXbs3w9k@10.20.0.30:5432/crm_old'),
            'password' => env('LEGACY_DB_PASSWORD', ''),
        ],
    ],

    'redis' => [
        'options' => [
            'prefix' => env('REDIS_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'),
        ],
        'default' => [
            'password' => env('REDIS_PASSWORD'),
        ],
    ],
];
