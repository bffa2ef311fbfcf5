<?php
/**
 * The base configuration for WordPress
 */

// ** Database settings ** //
define( 'DB_NAME', 'acme_blog' );
define( 'DB_USER', 'acme_wp' );
define( 'DB_PASSWORD', 'L0EtvC6.w20Re2yUrT' );
define( 'DB_HOST', 'mysql-blog.acme.internal' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */
define( 'AUTH_KEY',          'tbe^GpD/Tfe$_-(bEI8isiMwurHhx|zv&BGR6^4d?lJvYA75GB.UyiP-9@s#-9fV' );
define( 'SECURE_AUTH_KEY',   'Ow/?]gcqJIq8)~sjj6)1U9lk~.Kb7NX4y:@o]G.3g}[(V$}VM+e1DA$m%kz4vVY{' );
define( 'LOGGED_IN_KEY',     'u/EwB4XEte6bn@f%*)a5hrP/(;Gt=c{N]9ClpbMp=E[5i5Igp,q3q[3*0CllsLOp' );
define( 'NONCE_KEY',         'j;Z23m<Ss{YvAQ<,&elg,OKt355c#)zKakZtHz4epZGi)!u?V}Mi}bLy3Y[4,e9#' );
define( 'AUTH_SALT',         '7!j-1#K1Lv|+,6pe^%}=(LeWoIx)-C|O C7ked<j<6nR#92[.y~L-X=Iv8XR7Hls' );
define( 'SECURE_AUTH_SALT',  'j1I-dcwoR%EKjQf*d-w@Bk><i[6dQx1Eysr2TBgjsGbPswDZ~s8S!!]D0FP$|vB%' );
define( 'LOGGED_IN_SALT',    'z%nH2&,.bV7j]Bdo3?OQ:YPn1bsMm0q%^w5xDfO%]xlA-bkETZl/83+L.xhS0LN+' );
define( 'NONCE_SALT',        'jT!s;#tvRR?0Ge)*YK)=bV^co/.z<@M2)xv<EPIR1#!^ DSUs5],;+$^VtEk U<k' );
/**#@-*/

$table_prefix = 'wp_';

define( 'WP_DEBUG', false );
define( 'WP_MAIL_SMTP_PASS', 't68i9DmxAnK1ClwkYNi!' );
define( 'AS3CF_SETTINGS', serialize( array(
    'provider' => 'aws',
    'access-key-id' => 'AKIACQTJSAG5WLCGS2BW',
    'secret-access-key' => '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',
) ) );

if ( ! defined( 'ABSPATH' ) ) {
    define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
