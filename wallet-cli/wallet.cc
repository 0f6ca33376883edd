// placeholder until the wallet library lands
