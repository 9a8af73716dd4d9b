/**
 * Time zones by area code, for countries that span several. Each entry is `zone: codes`, the codes
 * being the digits after the country calling code; the longest matching code wins. A code listed
 * under two zones (an area that straddles a boundary, such as Florida's panhandle, 850) is
 * ambiguous and yields no zone: the contact's CSV row must then name one.
 */
type ZoneCodes = Record<string, string>;

const NANP: ZoneCodes = {
  'America/New_York': `
    203 475 860 959 302 202 771 239 305 321 352 386 407 561 656 689 727 754 772 786 813 863 904
    941 954 229 404 470 478 678 706 762 770 912 943 207 227 240 301 410 443 667 339 351 413 508
    617 774 781 857 978 603 201 551 609 640 732 848 856 862 908 973 212 315 332 347 363 516 518
    585 607 624 631 646 680 716 718 838 845 914 917 929 934 252 336 472 704 743 828 910 919 980
    984 216 220 234 283 326 330 380 419 436 440 513 567 614 740 937 215 223 267 272 412 445 484
    570 582 610 717 724 814 835 878 401 803 839 843 854 864 802 276 434 540 571 686 703 757 804
    826 948 304 681 231 248 269 313 517 586 616 679 734 810 947 989 906 260 317 463 574 765 930
    812 502 606 859 270 423 865 850 448`,
  'America/Chicago': `
    205 251 256 334 659 938 327 479 501 870 217 224 309 312 331 447 464 618 630 708 730 773 779
    815 847 861 872 319 515 563 641 712 316 620 785 913 225 318 337 504 985 218 320 507 612 651
    763 924 952 228 601 662 769 235 314 417 557 573 636 660 816 975 308 402 531 701 605 405 539
    572 580 918 210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832
    903 936 940 945 956 972 979 262 274 353 414 534 608 715 920 615 629 731 901 931 219 906 812
    270 850 448`,
  'America/Denver': `303 719 720 970 983 406 505 575 385 435 801 307 208 986 915 308 701 605`,
  'America/Phoenix': `480 520 602 623 928`,
  'America/Los_Angeles': `
    209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669
    707 714 747 760 805 818 820 831 840 858 909 916 925 949 951 702 725 775 458 503 541 971 206
    253 360 425 509 564 208 986`,
  'America/Anchorage': `907`,
  'Pacific/Honolulu': `808`,
  'America/Vancouver': `236 250 257 604 672 778`,
  'America/Edmonton': `368 403 587 780 825 867`,
  'America/Regina': `306 474 639`,
  'America/Winnipeg': `204 431 584 807 867`,
  'America/Toronto': `
    226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905 942 263 354 367 418
    438 450 468 514 579 581 819 873 867`,
  'America/Moncton': `506`,
  'America/Halifax': `782 902`,
  'America/St_Johns': `709`,
};

const AUSTRALIA: ZoneCodes = {
  'Australia/Sydney': `2`,
  'Australia/Melbourne': `3`,
  'Australia/Brisbane': `7`,
  // Broken Hill (NSW) dials 08 80 and keeps South Australia's time, as the zone name says.
  'Australia/Adelaide': `88`,
  'Australia/Darwin': `889`,
  'Australia/Perth': `89`,
};

const BRAZIL: ZoneCodes = {
  'America/Sao_Paulo': `11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43
    44 45 46 47 48 49 51 53 54 55 61 62 64`,
  'America/Araguaina': `63`,
  'America/Cuiaba': `65 66`,
  'America/Campo_Grande': `67`,
  'America/Rio_Branco': `68`,
  'America/Porto_Velho': `69`,
  'America/Bahia': `71 73 74 75 77`,
  'America/Maceio': `79 82`,
  'America/Recife': `81 87`,
  'America/Fortaleza': `83 84 85 86 88 89 98 99`,
  'America/Belem': `91 94 96`,
  'America/Santarem': `93`,
  'America/Manaus': `92 97`,
  'America/Boa_Vista': `95`,
};

/** Mexico's ten-digit numbers begin with a two- or three-digit area code; most of it is Central. */
const MEXICO: ZoneCodes = {
  'America/Mexico_City': `55 33 81 222 442 477 449 444 461 462 443 951 961 999 228 229 271 833`,
  'America/Tijuana': `664 686 646 665 661`,
  'America/Hermosillo': `662 631 632 633 634 637 638 641 642 643 644 645 647 651`,
  'America/Mazatlan': `612 613 615 624 667 668 669 672 673 687 694 696 697 698 311 319 323 324`,
  'America/Ciudad_Juarez': `656`,
  'America/Chihuahua': `614 625 626 627 628 629 635 636 639 648 649`,
  'America/Cancun': `998 984 983 987`,
};

/** Russia's geographic codes (ABC); mobile numbers (9xx) carry no region and yield no zone. */
const RUSSIA: ZoneCodes = {
  'Europe/Moscow': `495 498 499 812 831 843 863 861 473 487 484 485 491 492 493 494 496 820 811
    814 815 816 817 818 821`,
  'Europe/Kaliningrad': `401`,
  'Europe/Samara': `846 848 841`,
  'Asia/Yekaterinburg': `343 342 351 345 346 347 349 352 353`,
  'Asia/Omsk': `381`,
  'Asia/Novosibirsk': `383`,
  'Asia/Krasnoyarsk': `391 384 390`,
  'Asia/Irkutsk': `395`,
  'Asia/Yakutsk': `411`,
  'Asia/Vladivostok': `423 421`,
  'Asia/Magadan': `413`,
  'Asia/Kamchatka': `415`,
};

/** Country (ISO alpha-2) → area code → every zone that code is listed under. */
export const AREA_CODE_ZONES: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map(
  (
    [
      ['US', NANP],
      ['CA', NANP],
      ['AU', AUSTRALIA],
      ['BR', BRAZIL],
      ['MX', MEXICO],
      ['RU', RUSSIA],
    ] as const
  ).map(([country, table]) => [country, invert(table)]),
);

function invert(table: ZoneCodes): Map<string, string[]> {
  const byCode = new Map<string, string[]>();
  for (const [zone, codes] of Object.entries(table)) {
    for (const code of codes.split(/\s+/).filter(Boolean)) {
      byCode.set(code, [...(byCode.get(code) ?? []), zone]);
    }
  }
  return byCode;
}
