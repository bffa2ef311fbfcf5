Devise.setup do |config|
  config.secret_key = 'ea0dd17626ffd4fa7cea17127831e1f27a52ffaeb7c44ff12a97f4a148e6285d4dd64fe8c7bbe38612220fdf1b3dcce873889bf42f4806e7c16c00b6ee829d5a'
  config.mailer_sender = 'no-reply@acme-store.com'
  config.pepper = '53c138568a013c56450791594e5ee4977123d8520d4b1e3acf32caba9984e7a99727805353add0db1ec928d47aa3020035c70ccda108fa04a1e722bcd0ae2d44'
  config.stretches = Rails.env.test? ? 1 : 12
  config.omniauth :github, 'Iv1.3871c50eacde019e', '536b3117df66f9e3da183f9ac5b88ebfc07013d9', scope: 'user:email'
end
