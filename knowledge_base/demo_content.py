"""The help centre's demo content: two products, sections, 30 articles, two FAQ pages.

Each article is (title, summary, tags, steps, tip). Bodies are built from these so the demo reads
like a real help centre. Some articles carry a Serbian translation (Cyrillic is transliterated).
"""

ROUTER = {
    "product": ("Northwind Router AX3", "router-ax3", ["3.0", "3.1", "4.0"]),
    "title": "Router AX3",
    "intro": "Set up, secure and troubleshoot your Northwind Router AX3.",
    "sections": [
        (
            "Getting started",
            "First steps with a new router.",
            [
                (
                    "Set up your router for the first time",
                    "Connect the router to your modem and finish the setup wizard in about ten minutes.",
                    ["setup", "wizard"],
                    [
                        "Connect the WAN port to your modem with the supplied cable.",
                        "Plug in the power adapter and wait until the light turns white.",
                        "Open http://router.local in a browser on a device connected to the router.",
                        "Follow the setup wizard and choose a Wi-Fi name and password.",
                    ],
                    "Write the Wi-Fi password on the card in the box and keep it somewhere safe.",
                ),
                (
                    "Understand the status light",
                    "What each colour and blink pattern of the front light means.",
                    ["light", "status"],
                    [
                        "Look at the light on the front of the router.",
                        "Compare its colour with the table below.",
                        "If it blinks red for more than five minutes, restart the router.",
                    ],
                    "A slowly pulsing white light means the router is updating; do not unplug it.",
                ),
                (
                    "Sign in to the router's admin page",
                    "Open the admin page to change settings, see devices and update firmware.",
                    ["admin", "password"],
                    [
                        "Connect to the router's Wi-Fi or plug in a cable.",
                        "Open http://router.local.",
                        "Enter the admin password you chose during setup.",
                    ],
                    "Forgot the admin password? Reset the router to factory settings (see the troubleshooting section).",
                ),
                (
                    "Update the router's firmware",
                    "Keep your router secure with the latest firmware.",
                    ["firmware", "update", "security"],
                    [
                        "Sign in to the admin page.",
                        "Open System → Firmware.",
                        "Select Check for updates and then Install.",
                        "Wait until the router restarts (about four minutes).",
                    ],
                    "Turn on automatic updates so security fixes are installed at night.",
                ),
                (
                    "Register your router for warranty",
                    "Register the serial number to get warranty service and update notices.",
                    ["warranty", "registration"],
                    [
                        "Find the serial number on the label under the router.",
                        "Sign in to your account on this site.",
                        "Open My account and add the serial number.",
                    ],
                    "Registering also lets support see your model when you file a request.",
                ),
            ],
        ),
        (
            "Wi-Fi and network",
            "Names, passwords, guests and coverage.",
            [
                (
                    "Change your Wi-Fi name and password",
                    "Pick a new network name (SSID) and a strong password.",
                    ["wifi", "password", "ssid"],
                    [
                        "Sign in to the admin page.",
                        "Open Wi-Fi → Main network.",
                        "Enter the new name and password and select Save.",
                        "Reconnect your devices with the new password.",
                    ],
                    "Use at least 12 characters; a short sentence is easy to remember and hard to guess.",
                ),
                (
                    "Set up a guest network",
                    "Give visitors internet access without access to your devices.",
                    ["wifi", "guest"],
                    [
                        "Open Wi-Fi → Guest network.",
                        "Switch the guest network on.",
                        "Choose a name, a password and how long it stays on.",
                    ],
                    "Guest devices cannot see your printer or shared folders.",
                ),
                (
                    "Improve Wi-Fi coverage at home",
                    "Where to put the router and when a mesh point helps.",
                    ["wifi", "coverage", "mesh"],
                    [
                        "Place the router high and central, away from metal and aquariums.",
                        "Run the coverage test in the app from each room.",
                        "Add a mesh point halfway to rooms with a weak signal.",
                    ],
                    "Microwave ovens and baby monitors can disturb the 2.4 GHz band.",
                ),
                (
                    "Choose between 2.4 GHz and 5 GHz",
                    "When each band is the better choice for your devices.",
                    ["wifi", "band"],
                    [
                        "Keep smart-home devices on 2.4 GHz.",
                        "Use 5 GHz for laptops and TVs close to the router.",
                        "Leave Smart Connect on to let the router decide.",
                    ],
                    "Older devices may only see the 2.4 GHz network.",
                ),
                (
                    "Forward a port for a game or camera",
                    "Open a port so a device at home can be reached from the internet.",
                    ["port", "nat", "gaming"],
                    [
                        "Give the device a fixed address under Network → Devices.",
                        "Open Network → Port forwarding and add a rule.",
                        "Enter the port and protocol the device's manual gives.",
                    ],
                    "Only forward ports you need; each open port is a door into your network.",
                ),
                (
                    "Set up parental controls",
                    "Schedules and content filters per device or person.",
                    ["parental", "schedule"],
                    [
                        "Open Family → Profiles and add a profile.",
                        "Assign the child's devices to the profile.",
                        "Set bedtime hours and the content filter level.",
                    ],
                    "Pause the internet for a profile from the app in one tap.",
                ),
            ],
        ),
        (
            "Troubleshooting",
            "When something does not work.",
            [
                (
                    "No internet connection",
                    "What to check when devices are connected but nothing loads.",
                    ["internet", "offline"],
                    [
                        "Check that the WAN cable is firmly plugged into the modem.",
                        "Restart the modem, wait two minutes, then restart the router.",
                        "Open the admin page and look at Status → Internet.",
                        "If the status shows an address conflict, turn on bridge mode on the modem.",
                    ],
                    "If the light is red and your provider reports an outage, wait for them to fix it.",
                ),
                (
                    "Reset the router to factory settings",
                    "Erase all settings when you forgot the admin password.",
                    ["reset", "password"],
                    [
                        "Keep the router powered on.",
                        "Press and hold the reset button for 10 seconds with a paper clip.",
                        "Wait until the light blinks white, then run the setup wizard again.",
                    ],
                    "A reset erases all settings, including the Wi-Fi name and password.",
                ),
                (
                    "Wi-Fi keeps disconnecting",
                    "Fix drops caused by interference, power saving or old drivers.",
                    ["wifi", "disconnect"],
                    [
                        "Update the firmware of the router.",
                        "Update the Wi-Fi driver of the laptop.",
                        "Change the 2.4 GHz channel to 1, 6 or 11.",
                        "Turn off power saving for the Wi-Fi adapter.",
                    ],
                    "Note when the drops happen; a pattern helps support find the cause.",
                ),
                (
                    "Slow internet speed",
                    "Measure speed properly and find what slows it down.",
                    ["speed", "performance"],
                    [
                        "Run a speed test with a cable, not over Wi-Fi.",
                        "Compare the result with your plan.",
                        "Check for devices downloading large updates under Network → Devices.",
                    ],
                    "A speed test over Wi-Fi measures your Wi-Fi, not your internet connection.",
                ),
                (
                    "A device cannot connect",
                    "When one phone or laptop refuses the Wi-Fi password.",
                    ["wifi", "connect"],
                    [
                        "Forget the network on the device and connect again.",
                        "Check that MAC filtering is off under Wi-Fi → Security.",
                        "Try the 2.4 GHz network if the device is older than 2015.",
                    ],
                    "Typing the password on a phone? Check for an automatic capital letter.",
                ),
            ],
        ),
    ],
    "faq": (
        "Router questions",
        [
            (
                "Does the router work with any internet provider?",
                "Yes. It works with cable, fibre and DSL modems that have an Ethernet port.",
            ),
            (
                "How many devices can connect at once?",
                "Up to 128 devices; we recommend at most 60 active ones for the best speed.",
            ),
            ("Is there a monthly fee?", "No. All features of the router are free; the optional security plan is paid."),
        ],
    ),
}

BACKUP = {
    "product": ("Northwind Cloud Backup", "cloud-backup", ["2.4", "2.5"]),
    "title": "Cloud Backup",
    "intro": "Back up computers and phones, restore files and manage your plan.",
    "sections": [
        (
            "Getting started",
            "Install the app and make your first backup.",
            [
                (
                    "Install Cloud Backup on Windows",
                    "Download the installer and sign in with your account.",
                    ["install", "windows"],
                    [
                        "Download the installer from your account page.",
                        "Run the installer and accept the defaults.",
                        "Sign in with your e-mail address and password.",
                        "Choose the folders to back up.",
                    ],
                    "The first backup can take several hours; later backups copy only what changed.",
                ),
                (
                    "Install Cloud Backup on macOS",
                    "Install the app and grant it access to your files.",
                    ["install", "macos"],
                    [
                        "Open the downloaded .dmg file and drag the app to Applications.",
                        "Start the app and sign in.",
                        "Allow Full Disk Access in System Settings → Privacy & Security.",
                    ],
                    "Without Full Disk Access, the app cannot back up Mail and Photos.",
                ),
                (
                    "Back up your phone",
                    "Back up photos and contacts from Android and iPhone.",
                    ["mobile", "photos"],
                    [
                        "Install the Cloud Backup app from your app store.",
                        "Sign in and allow access to photos.",
                        "Turn on Back up on Wi-Fi only to save mobile data.",
                    ],
                    "Keep the app open the first time until the progress bar is complete.",
                ),
                (
                    "Choose what to back up",
                    "Pick folders, exclude large files and set the schedule.",
                    ["settings", "schedule"],
                    [
                        "Open Settings → Backup sets.",
                        "Add or remove folders.",
                        "Add exclusions for video projects or virtual machines.",
                        "Pick a schedule: continuous, hourly or daily.",
                    ],
                    "Exclude folders that are already in another cloud, like a synced drive.",
                ),
                (
                    "Understand backup status",
                    "What the icons in the app mean.",
                    ["status"],
                    [
                        "Open the app from the menu bar or system tray.",
                        "Check the last backup time at the top.",
                        "Open Activity for files that were skipped.",
                    ],
                    "A yellow icon means a few files could not be read, usually because another app had them open.",
                ),
            ],
        ),
        (
            "Backups and restores",
            "Get your files back.",
            [
                (
                    "Restore a deleted file",
                    "Bring back a file you deleted by mistake.",
                    ["restore", "files"],
                    [
                        "Open the app and select Restore.",
                        "Browse to the folder where the file was.",
                        "Turn on Show deleted files and select the file.",
                        "Select Restore to put it back where it was.",
                    ],
                    "Deleted files are kept for 30 days, or one year on the Plus plan.",
                ),
                (
                    "Restore an older version of a file",
                    "Go back to how a document looked last week.",
                    ["restore", "versions"],
                    [
                        "Select the file in the Restore view.",
                        "Open Versions.",
                        "Choose the date and select Restore a copy.",
                    ],
                    "Restoring a copy keeps the current version too.",
                ),
                (
                    "Restore everything to a new computer",
                    "Move all your files to a replacement computer.",
                    ["restore", "new computer"],
                    [
                        "Install the app on the new computer and sign in.",
                        "Choose Restore from another computer.",
                        "Select the old computer and the folders to restore.",
                    ],
                    "Connect the new computer with a cable for the fastest restore.",
                ),
                (
                    "Pause and resume backups",
                    "Pause uploads during video calls or on slow connections.",
                    ["pause", "bandwidth"],
                    [
                        "Click the app icon.",
                        "Select Pause and choose for how long.",
                        "Select Resume to continue earlier.",
                    ],
                    "Set an upload limit under Settings → Network instead of pausing every day.",
                ),
                (
                    "Encrypt backups with your own key",
                    "Set a private key that even we cannot read.",
                    ["encryption", "security"],
                    [
                        "Open Settings → Security.",
                        "Choose Use my own encryption key.",
                        "Enter the key twice and store it in your password manager.",
                    ],
                    "If you lose a private key, your backups cannot be restored by anyone.",
                ),
            ],
        ),
        (
            "Account and billing",
            "Plans, invoices and your account.",
            [
                (
                    "Change your plan",
                    "Move to a bigger or smaller plan at any time.",
                    ["plan", "billing"],
                    [
                        "Open My account → Subscriptions.",
                        "Select Change plan.",
                        "Review the prorated price and confirm.",
                    ],
                    "Upgrades take effect immediately; downgrades at the end of the period.",
                ),
                (
                    "Download an invoice",
                    "Get a PDF invoice for your records.",
                    ["invoice", "billing"],
                    ["Open My account → Subscriptions.", "Find the invoice in the list.", "Select Download."],
                    "Invoices show your company's tax number if you add it to your organisation.",
                ),
                (
                    "Add computers to your plan",
                    "Back up more than one computer with one account.",
                    ["plan", "devices"],
                    [
                        "Install the app on the other computer.",
                        "Sign in with the same account.",
                        "Select the plan seat to use.",
                    ],
                    "The Family plan includes five computers and unlimited phones.",
                ),
                (
                    "Cancel your subscription",
                    "Stop renewal; your backups stay until the period ends.",
                    ["cancel", "billing"],
                    [
                        "Open My account → Subscriptions.",
                        "Select Cancel at period end.",
                        "Download anything you need before the date shown.",
                    ],
                    "You can turn renewal back on until the last day of the period.",
                ),
            ],
        ),
    ],
    "faq": (
        "Backup questions",
        [
            ("Where are my files stored?", "In two data centres in the European Union, encrypted at rest."),
            ("Can I back up external drives?", "Yes, on the Plus plan. Connect the drive at least once every 30 days."),
            (
                "What happens if my payment fails?",
                "Backups continue for 14 days while you update your payment details.",
            ),
        ],
    ),
}

#: Serbian Latin translations of some articles: title → (title, summary, steps, tip).
SERBIAN = {
    "Set up your router for the first time": (
        "Prvo podešavanje rutera",
        "Povežite ruter sa modemom i završite čarobnjak za podešavanje za desetak minuta.",
        [
            "Povežite WAN priključak sa modemom priloženim kablom.",
            "Uključite adapter za napajanje i sačekajte da svetlo postane belo.",
            "Otvorite http://router.local u pregledaču na uređaju povezanom sa ruterom.",
            "Pratite čarobnjak i izaberite naziv i lozinku Wi-Fi mreže.",
        ],
        "Zapišite Wi-Fi lozinku na karticu iz kutije i čuvajte je na sigurnom.",
    ),
    "Change your Wi-Fi name and password": (
        "Promena naziva i šifre Wi-Fi mreže",
        "Izaberite novi naziv mreže (SSID) i jaku šifru.",
        [
            "Prijavite se na administratorsku stranicu.",
            "Otvorite Wi-Fi → Glavna mreža.",
            "Unesite novi naziv i šifru i izaberite Sačuvaj.",
            "Ponovo povežite uređaje novom šifrom.",
        ],
        "Koristite najmanje 12 znakova; kratka rečenica se lako pamti, a teško pogađa.",
    ),
    "No internet connection": (
        "Nema internet veze",
        "Šta proveriti kada su uređaji povezani, ali se ništa ne učitava.",
        [
            "Proverite da li je WAN kabl čvrsto priključen u modem.",
            "Ponovo pokrenite modem, sačekajte dva minuta, pa ponovo pokrenite ruter.",
            "Otvorite administratorsku stranicu i pogledajte Status → Internet.",
        ],
        "Ako je svetlo crveno i provajder javlja prekid, sačekajte da ga otklone.",
    ),
    "Reset the router to factory settings": (
        "Vraćanje rutera na fabrička podešavanja",
        "Obrišite sva podešavanja kada ste zaboravili administratorsku šifru.",
        [
            "Ostavite ruter uključen.",
            "Pritisnite i držite dugme za reset 10 sekundi spajalicom.",
            "Sačekajte da svetlo zatrepće belo, pa ponovo pokrenite čarobnjak.",
        ],
        "Reset briše sva podešavanja, uključujući naziv i šifru Wi-Fi mreže.",
    ),
    "Restore a deleted file": (
        "Vraćanje obrisane datoteke",
        "Vratite datoteku koju ste greškom obrisali.",
        [
            "Otvorite aplikaciju i izaberite Vrati.",
            "Pronađite fasciklu u kojoj je bila datoteka.",
            "Uključite Prikaži obrisane datoteke i izaberite datoteku.",
            "Izaberite Vrati da biste je vratili na mesto.",
        ],
        "Obrisane datoteke čuvaju se 30 dana, a na Plus paketu godinu dana.",
    ),
    "Install Cloud Backup on Windows": (
        "Instaliranje aplikacije Cloud Backup na Windows",
        "Preuzmite instalaciju i prijavite se svojim nalogom.",
        [
            "Preuzmite instalaciju sa stranice naloga.",
            "Pokrenite instalaciju i prihvatite podrazumevana podešavanja.",
            "Prijavite se imejl adresom i lozinkom.",
            "Izaberite fascikle za rezervnu kopiju.",
        ],
        "Prva rezervna kopija može trajati nekoliko sati; kasnije se kopira samo ono što se promenilo.",
    ),
    "Change your plan": (
        "Promena paketa",
        "Pređite na veći ili manji paket u bilo kom trenutku.",
        ["Otvorite Moj nalog → Pretplate.", "Izaberite Promeni paket.", "Proverite srazmernu cenu i potvrdite."],
        "Prelazak na veći paket važi odmah, a na manji na kraju perioda.",
    ),
    "Slow internet speed": (
        "Spor internet",
        "Pravilno izmerite brzinu i pronađite šta je usporava.",
        [
            "Pokrenite test brzine preko kabla, ne preko Wi-Fi mreže.",
            "Uporedite rezultat sa svojim paketom.",
            "Proverite uređaje koji preuzimaju velika ažuriranja u Mreža → Uređaji.",
        ],
        "Test brzine preko Wi-Fi mreže meri vaš Wi-Fi, a ne internet vezu.",
    ),
}

# The second demo brand's own help centre: a smart bulb, with nothing of Northwind's in it.
NORDLIGHT = {
    "product": ("Nordlight Smart Bulb", "smart-bulb", ["1.0", "1.1"]),
    "title": "Smart Bulb",
    "intro": "Pair, group and schedule your Nordlight Smart Bulbs.",
    "sections": [
        (
            "Getting started",
            "From the box to the first light.",
            [
                (
                    "Pair a bulb with the Nordlight app",
                    "Screw in the bulb, switch it on and add it in the app in under a minute.",
                    ["pairing", "app"],
                    [
                        "Screw the bulb into a lamp and switch the lamp on.",
                        "Open the Nordlight app and tap Add light.",
                        "Hold the phone near the bulb until it blinks twice.",
                    ],
                    "A bulb that does not blink can be reset by switching the lamp off and on five times.",
                ),
                (
                    "Group bulbs into a room",
                    "Control every bulb in a room with one switch in the app.",
                    ["rooms"],
                    ["Open Rooms and tap New room.", "Name the room and pick its bulbs.", "Tap Save."],
                    "A bulb belongs to one room at a time; moving it takes it out of the old one.",
                ),
                (
                    "Set a wake-up light",
                    "Brighten the bedroom slowly before the alarm rings.",
                    ["schedule", "wake-up"],
                    [
                        "Open Schedules and tap Wake-up.",
                        "Choose the room, the time and how long the light takes to brighten.",
                        "Tap Save.",
                    ],
                    "Thirty minutes feels most like a sunrise.",
                ),
            ],
        ),
    ],
    "faq": (
        "Smart Bulb questions",
        [
            ("Do the bulbs need a hub?", "No. They connect to the app over Bluetooth and to your home network."),
            ("Can I use a normal wall switch?", "Yes. Leave it on; the app and the switch both work."),
        ],
    ),
}
