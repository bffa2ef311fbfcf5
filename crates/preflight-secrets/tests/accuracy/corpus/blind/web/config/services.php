<?php

return [
    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN'),
        'secret' => env('MAILGUN_SECRET', 'key-2d9a67ff7112fa7076537952c4af1e81'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.eu.mailgun.net'),
    ],
    'postmark' => [
        'token' => env('POSTMARK_TOKEN'),
    ],
    'shopify' => [
        'access_token' => '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',
        'api_secret' => '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',
    ],
];
