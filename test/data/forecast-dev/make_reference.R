# Makes r_reference.json from the NAME.train.csv / NAME.test.csv files beside
# it: for each series, R's forecast package forecasts h steps ahead from the
# end of the training part (naive, seasonal naive, ets(), thetaf(),
# auto.arima()), the hidden test values, and the MASE scale.
#
#   sudo apt-get install r-cran-forecast r-cran-jsonlite    # Debian 12: forecast 8.20
#   Rscript test/data/forecast-dev/make_reference.R [OUT.json]
#
# Without an argument it prints to stdout. README.md says how the files are used.
suppressPackageStartupMessages({
  library(forecast)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
out <- commandArgs(trailingOnly = TRUE)

# R's frequency of each series (the CSVs of index-dated series cannot say it),
# in the order of the file
periods <- c(
  seatbelts_front = 12, seatbelts_rear = 12, seatbelts_vankilled = 12,
  BJsales = 1, WWWusage = 1, nhtemp = 1, discoveries = 1, presidents = 4,
  freeny_y = 4, sunspots_monthly = 12, treering = 1, dax = 5, gold = 1
)

reference <- list()
for (name in names(periods)) {
  period <- periods[[name]]
  train <- read.csv(file.path(here, paste0(name, ".train.csv")))
  test <- read.csv(file.path(here, paste0(name, ".test.csv")))
  h <- nrow(test)
  # a missing training value is filled as R users fill it
  y <- na.interp(ts(train$value, frequency = period))
  # MASE scale: in-sample mean absolute error of the seasonal naive (the naive without a season)
  scale <- mean(abs(diff(as.numeric(y), lag = period)))
  forecasts <- list(naive = as.numeric(naive(y, h = h)$mean))
  if (period > 1) forecasts$snaive <- as.numeric(snaive(y, h = h)$mean)
  forecasts$ets <- as.numeric(forecast(ets(y), h = h)$mean)
  forecasts$theta <- as.numeric(thetaf(y, h = h)$mean)
  forecasts$arima <- as.numeric(forecast(auto.arima(y), h = h)$mean)
  reference[[name]] <- list(
    period = period, h = h, n_train = nrow(train), mase_scale = scale,
    test = if (anyNA(test$value)) lapply(test$value, function(v) if (is.na(v)) "NA" else v) else test$value,
    forecasts = forecasts,
    covariates = setdiff(names(train), c("date", "value"))
  )
}

json <- toJSON(reference, auto_unbox = TRUE, digits = NA)
if (length(out)) writeLines(json, out[1]) else cat(json, "\n")
