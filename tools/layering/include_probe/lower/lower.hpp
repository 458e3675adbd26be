#pragma once

int lower_value();
