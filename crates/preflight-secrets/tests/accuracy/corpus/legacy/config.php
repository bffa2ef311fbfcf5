<?php
// Legacy storefront configuration
define('DB_HOST', 'mysql.internal');
define('DB_USER', 'store');
$db = [
    'host' => 'mysql.internal',
    'password' => 'hxRPzz1Vzu4qcH!YTV',
];
$mollie = new \Mollie\Api\MollieApiClient();
$mollie->setApiKey('live_g5HeeAYOu4VUnWek9BjZvSo9rFjBVc'); // mollie live
$square = new SquareClient(['accessToken' => 'sq0atp-uaSICuDTMRKkPQsF5to1uV', 'environment' => 'production']);
$config['brevo_key'] = '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';
$config['cache_ttl'] = 3600;
$config['request_id'] = '5aed0071-1f74-421d-aeb6-7ee97358ec78';
define('DB_PASSWORD', 'kFX4qoPYiLhyqx1Gjm');
define('SMTP_PASSWORD', 'password_here');
